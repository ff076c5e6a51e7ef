"""Choosing a speaker: screen reader routes when one runs (and the settings allow), the own voice, silence.

``choose_speaker`` probes routes in priority order and returns the first available one; the list always
ends with a SilentSpeaker that carries the reason the wanted route could not be used. Probing may take a
few milliseconds (a socket connect, loading a DLL): call it off the GUI thread (the narrator does).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

from inkscope_desktop.speech.audio import AudioSink
from inkscope_desktop.speech.base import Speaker, SpeechError
from inkscope_desktop.speech.speaker_config import SpeechRoute, SpeakerConfig
from inkscope_desktop.speech.silent import SilentSpeaker

log = logging.getLogger(__name__)

#: Process names of Linux screen readers that speak through speech-dispatcher.
LINUX_SCREEN_READERS = frozenset({"orca"})


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


def screen_reader_routes(settings: SpeakerConfig, *, require_running_reader: bool) -> list[Speaker]:
    """This platform's screen reader routes, best first (NVDA on Windows, speech-dispatcher on Linux)."""
    if sys.platform == "win32":
        from inkscope_desktop.speech.nvda_speaker import NvdaSpeaker

        return [NvdaSpeaker(settings.nvda_client_dll)]  # only available while NVDA runs
    if sys.platform.startswith("linux"):
        if require_running_reader and not linux_screen_reader_running():
            return []
        from inkscope_desktop.speech.speechd_speaker import SpeechDispatcherSpeaker

        return [SpeechDispatcherSpeaker(autospawn=not require_running_reader)]
    return []


def candidate_speakers(settings: SpeakerConfig | None = None, *, extra_screen_reader_routes: Sequence[Speaker] = (),
                       sink: AudioSink | None = None) -> list[Speaker]:
    """The speakers ``choose_speaker`` tries for ``settings``, in order (the silent one not included)."""
    settings = settings or SpeakerConfig()
    route = settings.route
    if route is SpeechRoute.OFF:
        return []
    speakers: list[Speaker] = []
    if route in (SpeechRoute.AUTO, SpeechRoute.SCREEN_READER):
        speakers += screen_reader_routes(settings, require_running_reader=route is SpeechRoute.AUTO)
        speakers += list(extra_screen_reader_routes)
    if route in (SpeechRoute.AUTO, SpeechRoute.OWN_VOICE):
        from inkscope_desktop.speech.pyttsx3_speaker import Pyttsx3Speaker

        speakers.append(Pyttsx3Speaker(settings, sink=sink))
    return speakers


def choose_speaker(settings: SpeakerConfig | None = None, *, extra_screen_reader_routes: Sequence[Speaker] = (),
                   sink: AudioSink | None = None) -> Speaker:
    """The first available speaker for ``settings``, else a SilentSpeaker with the reason.

    ``extra_screen_reader_routes`` are tried after the platform's own screen reader routes (the Qt
    accessibility announcement speaker goes here); ``sink`` is passed to the own voice.
    """
    settings = settings or SpeakerConfig()
    problem: SpeechError | None = None
    for speaker in candidate_speakers(settings, extra_screen_reader_routes=extra_screen_reader_routes, sink=sink):
        try:
            reason = _unavailability(speaker)
        except Exception as error:  # noqa: BLE001 - a broken route must not stop the others
            log.exception("Probing the %s speaker failed", speaker.name)
            reason = SpeechError(f"The {speaker.name} route failed ({error}).")
        if reason is None:
            log.info("Speech route: %s", speaker.name)
            return speaker
        log.info("Speech route %s not used: %s", speaker.name, reason.user_text)
        if not speaker.is_screen_reader_route or settings.route is SpeechRoute.SCREEN_READER:
            problem = problem or reason
    if settings.route is SpeechRoute.SCREEN_READER and problem is None:
        problem = SpeechError("No screen reader speech route is available.",
                              "Start your screen reader, or choose the own voice in the speech settings.")
    return SilentSpeaker(problem if settings.route is not SpeechRoute.OFF else None)


def _unavailability(speaker: Speaker) -> SpeechError | None:
    """Why ``speaker`` cannot be used, or None; honours subclasses that override only ``is_available``."""
    if type(speaker).is_available is Speaker.is_available:
        return speaker.availability_problem()  # probe once
    if speaker.is_available():
        return None
    return speaker.availability_problem() or SpeechError(f"The {speaker.name} speech route is not available.")
