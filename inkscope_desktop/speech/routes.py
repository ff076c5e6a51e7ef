"""Choosing a speaker: screen reader routes when one runs (and the settings allow), the own voice, silence.

``choose_speaker`` probes routes in priority order (a list built from the platform and the route, as data) with
``core.plugins.first_available``; the list always ends with a SilentSpeaker that carries the reason the wanted
route could not be used. Probing may take a
few milliseconds (a socket connect, loading a DLL): call it off the GUI thread (the narrator does).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.plugins import first_available
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
    accessibility announcement speaker goes here); ``sink`` is passed to the own voice. The reason kept is the
    own voice's (in automatic mode a missing screen reader is no news), or a screen reader route's when the user
    asked for the screen reader.
    """
    settings = settings or SpeakerConfig()
    candidates = candidate_speakers(settings, extra_screen_reader_routes=extra_screen_reader_routes, sink=sink)
    wants_reader = settings.route is SpeechRoute.SCREEN_READER

    def silent(reason: InkscopeError | None) -> Speaker:
        if settings.route is SpeechRoute.OFF:
            return SilentSpeaker(None)
        if wants_reader and reason is None:
            reason = SpeechError("No screen reader speech route is available.",
                                 "Start your screen reader, or choose the own voice in the speech settings.")
        return SilentSpeaker(reason if reason is None or isinstance(reason, SpeechError)
                             else SpeechError(reason.message, reason.advice))

    return first_available(candidates, silent, kind="speech route",
                           keeps_reason=lambda speaker: wants_reader or not speaker.is_screen_reader_route)
