"""Choosing a speaker: screen reader routes when one runs (and the settings allow), the own voice, silence.

Which routes are tried, in which order, is data: ``route_plan(route, presence)`` turns the user's route and
what runs now (``ReaderPresence``, from ``probe_presence``) into route names, and ``candidate_speakers`` builds
them. ``choose_speaker`` probes them in order with ``core.plugins.first_available``; the list always ends with
a SilentSpeaker that carries the reason the wanted route could not be used. The rule that matters most: in
automatic mode the own voice is never chosen while a screen reader runs on Windows or macOS (it would talk
over the screen reader); the screen reader gets the text, or Qt's accessibility announcements (Narrator's UI
Automation notifications, VoiceOver's announcement requests) carry it.

Probing presence is cheap (three user32 calls on Windows, a /proc scan on Linux, one ``pgrep`` on macOS),
so the narrator probes again before each caption and changes route when a screen reader started or quit.
Probing routes may take a few milliseconds (a socket connect, loading a DLL): call it off the GUI thread.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.plugins import first_available
from inkscope_desktop.speech.audio import AudioSink
from inkscope_desktop.speech.base import Speaker, SpeechError
from inkscope_desktop.speech.speaker_config import SpeechRoute, SpeakerConfig
from inkscope_desktop.speech.silent import SilentSpeaker

log = logging.getLogger(__name__)

#: Process names of Linux screen readers that speak through speech-dispatcher.
LINUX_SCREEN_READERS = frozenset({"orca"})

NVDA, JAWS, VOICEOVER, SPEECH_DISPATCHER, ANNOUNCEMENT, OWN_VOICE = (
    "nvda", "jaws", "voiceover", "speech-dispatcher", "announcement", "own-voice")


@dataclass(frozen=True)
class ReaderPresence:
    """Which screen readers run now on ``platform`` (``sys.platform``'s value). ``any_reader`` is Windows'
    SPI_GETSCREENREADER flag, which Narrator and every other screen reader set."""

    platform: str
    nvda: bool = False
    jaws: bool = False
    any_reader: bool = False
    orca: bool = False
    voiceover: bool = False

    @property
    def runs_a_reader(self) -> bool:
        return self.nvda or self.jaws or self.any_reader or self.orca or self.voiceover


def probe_presence(platform: str | None = None) -> ReaderPresence:
    """What runs on this machine now (a few microseconds to milliseconds)."""
    platform = platform or sys.platform
    try:
        if platform == "win32":
            from inkscope_desktop.speech.windows_readers import User32ReaderProbe, probe_windows_readers

            found = probe_windows_readers(User32ReaderProbe())
            return ReaderPresence(platform, nvda=found.nvda, jaws=found.jaws, any_reader=found.any_reader)
        if platform == "darwin":
            from inkscope_desktop.speech.voiceover_speaker import voiceover_running

            return ReaderPresence(platform, voiceover=voiceover_running())
    except Exception:  # a failed probe must not stop speech: assume nothing runs, the routes still check
        log.exception("Probing for screen readers failed")
        return ReaderPresence(platform)
    if platform.startswith("linux"):
        return ReaderPresence(platform, orca=linux_screen_reader_running())
    return ReaderPresence(platform)


def route_plan(route: SpeechRoute, presence: ReaderPresence) -> list[str]:
    """The route names to try for the user's ``route``, best first (the silent one not included)."""
    if route is SpeechRoute.OFF:
        return []
    if route is SpeechRoute.OWN_VOICE:
        return [OWN_VOICE]
    wants_reader = route is SpeechRoute.SCREEN_READER
    platform = presence.platform
    if platform == "win32":
        # A reader's own window decides, and the system flag too (a renamed window must not hide NVDA or JAWS;
        # each route checks again that its reader answers).
        plan = [name for name, runs in ((NVDA, presence.nvda), (JAWS, presence.jaws))
                if runs or presence.any_reader or wants_reader]
        plan.append(ANNOUNCEMENT)
        return plan if wants_reader or presence.runs_a_reader else [*plan, OWN_VOICE]
    if platform == "darwin":
        plan = [VOICEOVER, ANNOUNCEMENT] if presence.voiceover or wants_reader else [ANNOUNCEMENT]
        return plan if wants_reader or presence.voiceover else [*plan, OWN_VOICE]
    plan = [SPEECH_DISPATCHER] if platform.startswith("linux") and (presence.orca or wants_reader) else []
    plan.append(ANNOUNCEMENT)
    return plan if wants_reader else [*plan, OWN_VOICE]


def linux_screen_reader_running(proc: str = "/proc") -> bool:
    """Whether a screen reader process (Orca) runs for any user on this Linux machine."""
    try:
        entries = os.listdir(proc)
    except OSError:
        return False
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(os.path.join(proc, entry, "comm"), encoding="utf-8", errors="replace") as comm:
                if comm.read().strip() in LINUX_SCREEN_READERS:
                    return True
        except OSError:
            continue
    return False


def candidate_speakers(settings: SpeakerConfig | None = None, *, extra_screen_reader_routes: Sequence[Speaker] = (),
                       sink: AudioSink | None = None, presence: ReaderPresence | None = None) -> list[Speaker]:
    """The speakers ``choose_speaker`` tries for ``settings``, in order (the silent one not included).

    ``extra_screen_reader_routes`` stand where the plan says "announcement" (the Qt announcement speaker)."""
    settings = settings or SpeakerConfig()
    presence = presence or probe_presence()
    speakers: list[Speaker] = []
    for name in route_plan(settings.route, presence):
        if name == ANNOUNCEMENT:
            speakers += list(extra_screen_reader_routes)
        else:
            speakers.append(_build(name, settings, presence, sink))
    return speakers


def _build(name: str, settings: SpeakerConfig, presence: ReaderPresence, sink: AudioSink | None) -> Speaker:
    if name == NVDA:
        from inkscope_desktop.speech.nvda_speaker import NvdaSpeaker

        return NvdaSpeaker(settings.nvda_client_dll, nvda_seen=presence.nvda)
    if name == JAWS:
        from inkscope_desktop.speech.jaws_speaker import JawsSpeaker

        return JawsSpeaker()
    if name == VOICEOVER:
        from inkscope_desktop.speech.voiceover_speaker import VoiceOverSpeaker

        return VoiceOverSpeaker()
    if name == SPEECH_DISPATCHER:
        from inkscope_desktop.speech.speechd_speaker import SpeechDispatcherSpeaker

        return SpeechDispatcherSpeaker(autospawn=settings.route is SpeechRoute.SCREEN_READER)
    if presence.platform == "win32":
        from inkscope_desktop.speech.sapi_speaker import SapiSpeaker

        return SapiSpeaker(settings)
    from inkscope_desktop.speech.pyttsx3_speaker import Pyttsx3Speaker

    return Pyttsx3Speaker(settings, sink=sink)


def choose_speaker(settings: SpeakerConfig | None = None, *, extra_screen_reader_routes: Sequence[Speaker] = (),
                   sink: AudioSink | None = None, presence: ReaderPresence | None = None) -> Speaker:
    """The first available speaker for ``settings``, else a SilentSpeaker with the reason.

    ``extra_screen_reader_routes`` are tried after the platform's own screen reader routes (the Qt
    accessibility announcement speaker goes here); ``sink`` is passed to the own voice. The reason kept is the
    own voice's (in automatic mode a missing screen reader is no news), or a screen reader route's when the user
    asked for the screen reader or one runs. The chosen speaker's ``route_notice`` is the first passed-over
    route's ``passed_over_notice`` (NVDA runs without its client DLL), for the narrator to say once.
    """
    settings = settings or SpeakerConfig()
    presence = presence or probe_presence()
    candidates = candidate_speakers(settings, extra_screen_reader_routes=extra_screen_reader_routes, sink=sink,
                                    presence=presence)
    wants_reader = settings.route is SpeechRoute.SCREEN_READER or (
        settings.route is SpeechRoute.AUTO and presence.runs_a_reader and presence.platform in ("win32", "darwin"))

    def silent(reason: InkscopeError | None) -> Speaker:
        if settings.route is SpeechRoute.OFF:
            return SilentSpeaker(None)
        if wants_reader and reason is None:
            reason = SpeechError("No screen reader speech route is available.",
                                 "Start your screen reader, or choose the own voice in the speech settings.")
        return SilentSpeaker(reason if reason is None or isinstance(reason, SpeechError)
                             else SpeechError(reason.message, reason.advice))

    chosen = first_available(candidates, silent, kind="speech route",
                             keeps_reason=lambda speaker: wants_reader or not speaker.is_screen_reader_route)
    passed_over = candidates[:candidates.index(chosen)] if chosen in candidates else candidates
    chosen.route_notice = next((speaker.passed_over_notice for speaker in passed_over
                                if speaker.passed_over_notice is not None), None)
    return chosen


class SpeakerChooser:
    """A narrator's speaker factory: ``choose_speaker`` with these arguments, and ``presence`` to probe before
    each caption (the narrator chooses again when what runs has changed: a screen reader started or quit)."""

    def __init__(self, settings: SpeakerConfig, *, extra_screen_reader_routes: Sequence[Speaker] = (),
                 sink: AudioSink | None = None, probe=probe_presence) -> None:
        self.settings = settings
        self._extra = tuple(extra_screen_reader_routes)
        self._sink = sink
        self._probe = probe

    def presence(self) -> ReaderPresence:
        return self._probe()

    def __call__(self) -> Speaker:
        return choose_speaker(self.settings, extra_screen_reader_routes=self._extra, sink=self._sink,
                              presence=self._probe())
