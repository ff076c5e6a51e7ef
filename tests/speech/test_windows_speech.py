"""Speech on Windows, checked here against doubles of SAPI, JAWS and user32 (see windows_doubles for what each
double does and where that behaviour is documented). None of this has run on Windows."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest
from speech_checks import wait_until
from windows_doubles import ComDouble, JawsApiDouble, ReaderProbeDouble, SpVoiceDouble

from inkscope_desktop.speech import nvda_speaker, routes, synth_child
from inkscope_desktop.speech.jaws_speaker import JawsSpeaker
from inkscope_desktop.speech.nvda_speaker import NvdaSpeaker, client_architecture, client_candidates
from inkscope_desktop.speech.sapi_speaker import SVSF_ASYNC, SVSF_IS_NOT_XML, SapiSpeaker, sapi_rate
from inkscope_desktop.speech.speaker_config import SpeakerConfig, SpeechRoute
from inkscope_desktop.speech.windows_readers import JAWS_WINDOW_CLASS, NVDA_WINDOW, probe_windows_readers


# --- SAPI: the own voice on Windows ------------------------------------------------------------------------
def test_sapi_says_pieces_in_order_from_one_thread_and_reads_markup_as_text():
    voice = SpVoiceDouble(piece_s=0.02)
    com = ComDouble(SAPI_SpVoice=voice)
    speaker = SapiSpeaker(SpeakerConfig(), com=com)
    assert speaker.availability_problem() is None
    for text in ["One.", "Two < three.", "Four."]:
        speaker.speak(text)
    assert speaker.is_speaking
    assert wait_until(lambda: not speaker.is_speaking, 5)
    assert voice.spoken == ["One.", "Two < three.", "Four."]
    assert all(flags == SVSF_ASYNC | SVSF_IS_NOT_XML for flags in voice.flags)
    assert len(voice.threads | com.threads) == 1 and threading.get_ident() not in voice.threads
    speaker.close()


def test_sapi_stop_silences_at_once_and_drops_the_queue():
    voice = SpVoiceDouble(piece_s=10.0)  # each piece would sound for ten seconds
    speaker = SapiSpeaker(SpeakerConfig(), com=ComDouble(SAPI_SpVoice=voice))
    speaker.speak("A long sentence.")
    speaker.speak("Another one.")
    assert wait_until(lambda: voice.started == ["A long sentence.", "Another one."], 5)
    began = time.monotonic()
    speaker.stop()
    assert wait_until(lambda: voice.purges == 1 and not speaker.is_speaking, 2)
    assert time.monotonic() - began < 1.0
    assert voice.spoken == [] and voice.WaitUntilDone(0)
    speaker.speak("Next caption.")
    assert wait_until(lambda: voice.started[-1] == "Next caption.", 2)
    speaker.close()


def test_sapi_applies_rate_volume_and_voice():
    voice = SpVoiceDouble()
    speaker = SapiSpeaker(SpeakerConfig(rate=420, volume=0.5, voice="david"), com=ComDouble(SAPI_SpVoice=voice))
    assert speaker.availability_problem() is None
    assert (voice.Rate, voice.Volume) == (8, 50)  # 420 wpm: 10 * log3(420 / 180) = 7.7
    assert voice.Voice.Id.endswith("DAVID_11.0")
    speaker.close()
    assert sapi_rate(180) == 0 and sapi_rate(60) == -10 and sapi_rate(20) == -10 and sapi_rate(300) == 5


def test_sapi_that_cannot_start_says_why():
    problem = SapiSpeaker(SpeakerConfig(), com=ComDouble()).availability_problem()
    assert problem is not None and problem.user_text.startswith("Windows' own voice could not start (")


@pytest.mark.skipif(routes.sys.platform == "win32", reason="SAPI may run here")
def test_sapi_is_unavailable_off_windows():
    problem = SapiSpeaker(SpeakerConfig()).availability_problem()
    assert problem is not None and "only on Windows" in problem.message


def test_synthesis_child_does_not_wait_for_an_end_that_sapi5_never_reports(tmp_path, monkeypatch):
    """pyttsx3's sapi5 driver (2.91 to 2.99): ``save_to_file`` calls ``SpVoice.Speak`` synchronously and never sets
    ``_speaking``; its EndStream handler sends "finished-utterance" only when ``_speaking`` is set, so after
    ``save_to_file`` the event never comes, and ``runAndWait`` returns once the file is written."""
    sapi5 = type("SAPI5Driver", (), {"__module__": "pyttsx3.drivers.sapi5", "_stopping": False, "_speaking": False})

    class Sapi5EngineDouble:
        proxy = SimpleNamespace(_driver=sapi5())

        def save_to_file(self, text, path):
            self.path = path

        def runAndWait(self):  # noqa: N802 - pyttsx3's name
            import wave

            with wave.open(self.path, "wb") as sound:
                sound.setnchannels(1)
                sound.setsampwidth(2)
                sound.setframerate(22050)
                sound.writeframes(b"\x01\x00" * 100)

    monkeypatch.setattr(synth_child, "FINISH_TIMEOUT_S", 0.01)
    finished = threading.Event()  # never set, as with sapi5
    synth_child._synthesize(Sapi5EngineDouble(), finished, "Hello.", str(tmp_path / "a.wav"))
    espeak = type("EspeakDriver", (), {"__module__": "pyttsx3.drivers.espeak", "_stopping": False,
                                       "_speaking": False})
    engine = Sapi5EngineDouble()
    engine.proxy = SimpleNamespace(_driver=espeak())
    with pytest.raises(TimeoutError):  # other drivers do report it: waiting for it stays
        synth_child._synthesize(engine, finished, "Hello.", str(tmp_path / "b.wav"))


# --- JAWS --------------------------------------------------------------------------------------------------
def jaws(api=None, running=True):
    api = api or JawsApiDouble()
    probe = ReaderProbeDouble(windows={(JAWS_WINDOW_CLASS, None)} if running else set())
    com = ComDouble(FreedomSci_JawsApi=api)
    return JawsSpeaker(probe=probe, com=com), api, com


def test_jaws_gets_pieces_queued_and_stop_silences_it_once():
    speaker, api, com = jaws()
    assert speaker.availability_problem() is None
    for text in ["One.", "Two."]:
        speaker.speak(text)
    assert wait_until(lambda: api.said == ["One.", "Two."], 5)
    assert api.flushes == 0  # a flush would cut off our own previous sentence
    speaker.stop()
    assert wait_until(lambda: api.stops == 1, 2)
    speaker.stop()  # nothing handed over since: JAWS's own speech is left alone
    time.sleep(0.05)
    assert api.stops == 1
    assert len(api.threads | com.threads) == 1
    speaker.close()


def test_jaws_not_running_or_refusing_is_said():
    speaker, _api, _com = jaws(running=False)
    assert speaker.availability_problem().user_text == ("JAWS is not running. Start JAWS, or choose the own "
                                                       "voice in the speech settings.")
    speaker, api, _com = jaws(JawsApiDouble(accepts=False))
    problems = []
    speaker.on_problem = problems.append
    speaker.speak("One.")
    assert wait_until(lambda: problems, 2) and problems[0].message == "JAWS did not accept the text."
    speaker.close()


# --- who runs, and the route plan ---------------------------------------------------------------------------
def test_screen_readers_are_found_by_their_windows_and_the_system_flag():
    probe = ReaderProbeDouble(windows={NVDA_WINDOW}, flag=True)
    found = probe_windows_readers(probe)
    assert (found.nvda, found.jaws, found.any_reader) == (True, False, True)
    assert not probe_windows_readers(ReaderProbeDouble()).runs_a_reader


WIN = "win32"


@pytest.mark.parametrize(("presence", "route", "plan"), [
    (routes.ReaderPresence(WIN, nvda=True), SpeechRoute.AUTO, ["nvda", "announcement"]),
    (routes.ReaderPresence(WIN, jaws=True), SpeechRoute.AUTO, ["jaws", "announcement"]),
    (routes.ReaderPresence(WIN, any_reader=True), SpeechRoute.AUTO, ["nvda", "jaws", "announcement"]),  # Narrator
    (routes.ReaderPresence(WIN), SpeechRoute.AUTO, ["announcement", "own-voice"]),
    (routes.ReaderPresence(WIN), SpeechRoute.SCREEN_READER, ["nvda", "jaws", "announcement"]),
    (routes.ReaderPresence(WIN, nvda=True), SpeechRoute.OWN_VOICE, ["own-voice"]),
    (routes.ReaderPresence("darwin", voiceover=True), SpeechRoute.AUTO, ["voiceover", "announcement"]),
    (routes.ReaderPresence("darwin"), SpeechRoute.AUTO, ["announcement", "own-voice"]),
    (routes.ReaderPresence("linux", orca=True), SpeechRoute.AUTO,
     ["speech-dispatcher", "announcement", "own-voice"]),
    (routes.ReaderPresence("linux"), SpeechRoute.AUTO, ["announcement", "own-voice"]),
    (routes.ReaderPresence(WIN, nvda=True), SpeechRoute.OFF, []),
])
def test_route_plan(presence, route, plan):
    assert routes.route_plan(route, presence) == plan


def test_on_windows_the_own_voice_is_sapi_and_never_chosen_while_a_reader_runs(monkeypatch):
    built = routes.candidate_speakers(SpeakerConfig(), presence=routes.ReaderPresence(WIN))
    assert [type(speaker).__name__ for speaker in built] == ["SapiSpeaker"]
    narrator_only = routes.ReaderPresence(WIN, any_reader=True)
    chosen = routes.choose_speaker(SpeakerConfig(), presence=narrator_only)  # no announcement route given here
    assert chosen.name == "silent" and chosen.reason is not None


def test_nvda_running_without_its_client_is_said_once_the_announcements_speak(monkeypatch, tmp_path):
    monkeypatch.setattr(nvda_speaker.sys, "platform", "win32")
    monkeypatch.setattr(nvda_speaker, "client_search_folders", lambda: [tmp_path])
    announcement = SimpleNamespace()
    from test_routes import ScreenReaderDouble

    announcement = ScreenReaderDouble(is_active=True)
    chosen = routes.choose_speaker(SpeakerConfig(), extra_screen_reader_routes=[announcement],
                                   presence=routes.ReaderPresence(WIN, nvda=True, any_reader=True))
    assert chosen is announcement
    assert chosen.route_notice is not None
    assert chosen.route_notice.message.startswith("NVDA runs, but its controller client")
    assert "accessible_output2" in chosen.route_notice.advice


# --- NVDA's controller client: which file --------------------------------------------------------------------
def test_the_client_build_follows_the_process_architecture(tmp_path):
    assert client_architecture("AMD64", 64) == "x64"
    assert client_architecture("ARM64", 64) == "arm64"
    assert client_architecture("AMD64", 32) == "x86"
    found = client_candidates("", [tmp_path], "x64")
    assert found == [tmp_path / "x64/nvdaControllerClient.dll", tmp_path / "nvdaControllerClient64.dll",
                     tmp_path / "nvdaControllerClient.dll"]
    assert client_candidates("C:/nvda/client.dll", [tmp_path], "x64") == [nvda_speaker.Path("C:/nvda/client.dll")]


def test_the_client_is_searched_on_path_and_in_accessible_output2(tmp_path, monkeypatch):
    folders = nvda_speaker.client_search_folders(f"{tmp_path}{nvda_speaker.os.pathsep}{tmp_path / 'b'}")
    assert folders[-2:] == [tmp_path, tmp_path / "b"]
    fake = tmp_path / "site" / "accessible_output2"
    (fake / "lib").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    assert fake / "lib" in nvda_speaker.client_search_folders("")


def test_a_set_client_path_that_does_not_load_names_the_setting(monkeypatch, tmp_path):
    monkeypatch.setattr(nvda_speaker.sys, "platform", "win32")
    problem = NvdaSpeaker(str(tmp_path / "missing.dll")).availability_problem()
    assert "set in the speech settings" in problem.message and "speech.nvda_client_dll" in problem.advice
