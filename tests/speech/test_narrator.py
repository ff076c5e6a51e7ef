"""The narrator: streaming sentences to a speaker, stopping, one message per caption, retrying, threading."""

from __future__ import annotations

import threading

import pytest
from speech_checks import wait_until

from inkscope_desktop.speech.base import SpeechError
from inkscope_desktop.speech.narrator import Narrator
from inkscope_desktop.speech.recording import RecordingSpeaker
from inkscope_desktop.speech.silent import SilentSpeaker

NO_AUDIO = SpeechError("Speech could not be played: no audio output.", "Check the speakers.")


@pytest.fixture
def narrators():
    made: list[Narrator] = []

    def make(speaker, **kwargs) -> tuple[Narrator, list[str]]:
        problems: list[str] = []
        narrator = Narrator(speaker, problems.append, **kwargs)
        made.append(narrator)
        return narrator, problems

    yield make
    for narrator in made:
        narrator.close()


def stream(narrator: Narrator, text: str) -> None:
    for word in text.split(" "):
        narrator.feed(word + " ")


def test_the_first_sentence_is_spoken_before_the_caption_is_complete(narrators):
    speaker = RecordingSpeaker(seconds_per_char=0.0)
    narrator, problems = narrators(speaker)
    narrator.begin()
    stream(narrator, "A dialog is open. It has")
    assert narrator.wait_until_idle(5) and speaker.wait_until_done(5)
    assert speaker.spoken == ["A dialog is open."]  # while "It has ..." is still being generated
    stream(narrator, "three tabs. The OK button is focused")
    narrator.end()
    assert narrator.wait_until_idle(5) and speaker.wait_until_done(5)
    assert speaker.spoken == ["A dialog is open.", "It has three tabs.", "The OK button is focused"]
    assert problems == []


def test_markdown_is_not_read_out(narrators):
    speaker = RecordingSpeaker()
    narrator, _ = narrators(speaker)
    narrator.say("## Summary\n- **Bold** item\n---\nDone.")
    assert wait_until(lambda: speaker.spoken == ["Summary", "Bold item", "Done."], 5)


def test_stop_cuts_off_the_current_piece_and_drops_the_queued_ones(narrators):
    speaker = RecordingSpeaker(seconds_per_char=1.0)  # each piece "speaks" for many seconds
    narrator, _ = narrators(speaker)
    narrator.begin()
    stream(narrator, "First sentence here. Second sentence here. Third one. ")
    assert wait_until(lambda: len(speaker.started) == 1, 5)
    narrator.stop()
    assert wait_until(lambda: not narrator.is_speaking, 5)
    assert speaker.cut_off == ["First sentence here."]
    assert speaker.spoken == [] and len(speaker.started) == 1


def test_text_after_stop_is_ignored_until_the_next_caption(narrators):
    speaker = RecordingSpeaker()
    narrator, _ = narrators(speaker)
    narrator.begin()
    narrator.stop()
    stream(narrator, "Late chunk of the cancelled caption. More.")
    narrator.end()
    narrator.begin()
    stream(narrator, "New caption. ")
    narrator.end()
    assert narrator.wait_until_idle(5) and speaker.wait_until_done(5)
    assert speaker.spoken == ["New caption."]


def test_a_new_caption_cuts_off_the_previous_one(narrators):
    speaker = RecordingSpeaker(seconds_per_char=1.0)
    narrator, _ = narrators(speaker)
    narrator.begin()
    stream(narrator, "Old caption speaking. Old queued. ")
    assert wait_until(lambda: len(speaker.started) == 1, 5)
    speaker.seconds_per_char = 0.0
    narrator.begin()
    stream(narrator, "New caption. ")
    narrator.end()
    assert wait_until(lambda: speaker.spoken == ["New caption."], 5)
    assert speaker.cut_off == ["Old caption speaking."]
    assert [text for text, _ in speaker.started] == ["Old caption speaking.", "New caption."]


def test_a_problem_is_reported_once_per_caption_and_the_next_caption_tries_again(narrators):
    made: list[RecordingSpeaker] = []

    def factory() -> RecordingSpeaker:
        made.append(RecordingSpeaker(fail_with=NO_AUDIO if len(made) < 2 else None))
        return made[-1]

    narrator, problems = narrators(factory)
    for caption in range(3):
        narrator.begin()
        stream(narrator, "One. Two. Three. Four. ")
        narrator.end()
        assert narrator.wait_until_idle(5) and made[-1].wait_until_done(5)
        assert wait_until(lambda: len(problems) == min(caption + 1, 2), 5)
    assert problems == [NO_AUDIO.user_text] * 2
    assert len(made) == 3 and made[0].closed and made[1].closed  # a fresh speaker after each failure
    assert made[2].spoken == ["One.", "Two.", "Three.", "Four."]


def test_a_fixed_speaker_is_kept_and_tried_again(narrators):
    speaker = RecordingSpeaker(fail_with=NO_AUDIO)
    narrator, problems = narrators(speaker)
    narrator.say("One. Two.")
    assert wait_until(lambda: len(problems) == 1, 5)
    speaker.fail_with = None
    narrator.say("Three.")
    assert wait_until(lambda: speaker.spoken == ["Three."], 5)
    assert problems == [NO_AUDIO.user_text] and not speaker.closed


def test_an_unavailable_route_is_explained_once_per_caption(narrators):
    narrator, problems = narrators(lambda: SilentSpeaker(SpeechError("espeak-ng is not installed.", "Install it.")))
    for _ in range(2):
        narrator.say("One. Two. Three.")
        assert narrator.wait_until_idle(5)
    assert problems == ["espeak-ng is not installed. Install it."] * 2


def test_plain_silence_says_nothing_about_it(narrators):
    narrator, problems = narrators(SilentSpeaker())
    narrator.say("One. Two.")
    assert narrator.wait_until_idle(5) and problems == []


def test_a_failing_factory_is_reported_and_tried_again(narrators):
    calls: list[int] = []

    def factory() -> RecordingSpeaker:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("no route")
        return RecordingSpeaker()

    narrator, problems = narrators(factory)
    narrator.say("Hello.")
    assert wait_until(lambda: len(problems) == 1, 5) and "no route" in problems[0]
    narrator.say("Again.")
    assert wait_until(lambda: getattr(narrator.speaker, "spoken", None) == ["Again."], 5)


def test_calls_never_wait_for_the_speaker(narrators):
    release = threading.Event()
    speaker = RecordingSpeaker()

    def slow_factory() -> RecordingSpeaker:
        release.wait(10)  # probing routes takes a while
        return speaker

    narrator, _ = narrators(slow_factory)
    narrator.begin()
    for _ in range(100):
        narrator.feed("word. ")  # all return while the worker is still stuck in the factory
    narrator.end()
    assert not release.is_set() and narrator.is_speaking
    release.set()
    assert narrator.wait_until_idle(5) and speaker.wait_until_done(5)
    assert len(speaker.spoken) == 100


def test_prepare_creates_and_warms_the_speaker_before_the_first_caption(narrators):
    speaker = RecordingSpeaker()
    narrator, _ = narrators(speaker)
    assert narrator.speaker is None
    narrator.prepare()
    assert narrator.wait_until_idle(5)
    assert narrator.speaker is speaker and speaker.prepared == 1


def test_use_switches_to_another_speaker(narrators):
    first, second = RecordingSpeaker(), RecordingSpeaker()
    narrator, _ = narrators(first)
    narrator.say("With the first.")
    assert wait_until(lambda: first.spoken == ["With the first."], 5)
    narrator.use(second)
    narrator.say("With the second.")
    assert wait_until(lambda: second.spoken == ["With the second."], 5)
    assert first.closed


def test_close_ends_the_worker_and_closes_the_speaker():
    speaker = RecordingSpeaker(seconds_per_char=1.0)
    narrator = Narrator(speaker)
    narrator.say("A long piece.")
    assert wait_until(lambda: len(speaker.started) == 1, 5)
    narrator.close()
    assert speaker.closed and speaker.cut_off == ["A long piece."]
    narrator.say("Ignored after close.")
    assert not narrator.is_speaking


class ChooserDouble:
    """A speaker factory with ``presence()``, as routes.SpeakerChooser: what runs is whatever ``now`` says."""

    def __init__(self, notice: SpeechError | None = None) -> None:
        self.now = "nothing runs"
        self.made: list[tuple[str, RecordingSpeaker]] = []
        self.notice = notice

    def presence(self) -> str:
        return self.now

    def __call__(self) -> RecordingSpeaker:
        speaker = RecordingSpeaker(seconds_per_char=0.0)
        speaker.route_notice = self.notice
        self.made.append((self.now, speaker))
        return speaker


def test_the_route_is_chosen_again_when_a_screen_reader_starts_or_quits(narrators):
    chooser = ChooserDouble()
    narrator, problems = narrators(chooser)
    for caption in ("One.", "Two."):
        narrator.begin()
        narrator.feed(caption)
        narrator.end()
        assert narrator.wait_until_idle(5)
        assert wait_until(lambda: caption in chooser.made[0][1].spoken, 5)
    assert [when for when, _ in chooser.made] == ["nothing runs"]  # nothing changed: the same speaker
    chooser.now = "NVDA runs"
    narrator.begin()
    narrator.feed("Three.")
    narrator.end()
    assert narrator.wait_until_idle(5)
    assert [when for when, _ in chooser.made] == ["nothing runs", "NVDA runs"]
    assert wait_until(lambda: chooser.made[1][1].spoken == ["Three."], 5)
    assert problems == []


def test_a_route_notice_is_told_once_however_often_the_route_is_chosen(narrators):
    notice = SpeechError("NVDA runs, but its controller client was not found.", "Install it.")
    chooser = ChooserDouble(notice)
    narrator, problems = narrators(chooser)
    for now in ("a", "b", "c"):
        chooser.now = now
        narrator.begin()
        narrator.feed("Hello.")
        narrator.end()
        assert narrator.wait_until_idle(5)
    assert len(chooser.made) == 3
    assert problems == [notice.user_text]
