"""Audio sinks for synthesized speech: a player child process that can be killed, Windows' winsound, or a folder.

Threading: ``AudioSink.start`` and ``Playback.wait`` run on the speaker's worker thread; ``Playback.stop``
may be called from any thread and returns at once (it kills the player, which makes ``wait`` return).
"""

from __future__ import annotations

import importlib
import itertools
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import wave
from typing import Any
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path

from inkscope_desktop.speech.base import SpeechError

#: Players tried in order by ``find_player`` (the first one installed is used).
PLAYER_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("paplay", "{path}"),
    ("pw-play", "{path}"),
    ("aplay", "-q", "{path}"),
    ("play", "-q", "{path}"),
    ("afplay", "{path}"),
)
_NO_AUDIO_ADVICE = ("Connect speakers or headphones and check they are not muted, or choose the screen reader "
                    "route in the speech settings; captions still appear in the window.")
_SOURCE_PREFIX = re.compile(r"^(?:\w+:\s*)?\w+:\d+:\s*")  # aplay's "aplay: main:831: "


class Playback(ABC):
    """One piece being played."""

    @abstractmethod
    def wait(self) -> None:
        """Block until the piece has been played or stopped; raise SpeechError if playing failed."""

    @abstractmethod
    def stop(self) -> None:
        """Cut the piece off now (thread-safe, returns at once)."""


class AudioSink(ABC):
    """Where a synthesized piece (a WAV file) goes: ``start`` it, then ``wait`` on the returned Playback."""

    name = "sink"

    def availability_problem(self) -> SpeechError | None:
        return None

    @abstractmethod
    def start(self, wav: Path, text: str) -> Playback:
        """Start playing ``wav`` (the audio of ``text``); the sink may move or delete the file."""


class _Done(Playback):
    def wait(self) -> None:
        pass

    def stop(self) -> None:
        pass


class _ProcessPlayback(Playback):
    def __init__(self, process: subprocess.Popen, player: str) -> None:
        self._process = process
        self._player = player
        self._is_stopped = False

    def wait(self) -> None:
        _, err = self._process.communicate()
        if self._process.returncode != 0 and not self._is_stopped:
            lines = [line for line in (err or b"").decode("utf-8", "replace").splitlines() if line.strip()]
            detail = _SOURCE_PREFIX.sub("", lines[-1].strip()) if lines else f"exit code {self._process.returncode}"
            raise SpeechError(f"Speech could not be played: {self._player} found no working audio output "
                              f"({detail}).", _NO_AUDIO_ADVICE)

    def stop(self) -> None:
        self._is_stopped = True
        kill_child(self._process)

    @property
    def pid(self) -> int:
        return self._process.pid


class CommandPlayer(AudioSink):
    """Plays each piece with a command such as ``["aplay", "-q", "{path}"]`` in its own child process.

    ``{path}`` is replaced by the WAV file (appended when absent). Stopping kills the child's process
    group, so no more audio comes out. A failing player (no sound card) raises SpeechError from ``wait``.
    """

    def __init__(self, command: Sequence[str]) -> None:
        if not command:
            raise ValueError("A player command is needed")
        self.command = tuple(command)
        self.name = Path(self.command[0]).name
        self.last_pid: int | None = None

    def availability_problem(self) -> SpeechError | None:
        if shutil.which(self.command[0]) is None:
            return SpeechError(f"The audio player {self.command[0]} was not found.",
                               "Install it, or choose another route in the speech settings.")
        return None

    def start(self, wav: Path, text: str) -> Playback:
        args = [part.replace("{path}", str(wav)) for part in self.command]
        if not any("{path}" in part for part in self.command):
            args.append(str(wav))
        try:
            process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE, **child_group_args())
        except OSError as error:
            raise SpeechError(f"The audio player {self.name} could not start ({error}).",
                              _NO_AUDIO_ADVICE) from error
        self.last_pid = process.pid
        return _ProcessPlayback(process, self.name)


class FolderSink(AudioSink):
    """Writes each piece's audio to ``folder`` as ``0001.wav`` (with its text in ``0001.txt``) instead of playing.

    For tests and for machines without a sound card: the files can be checked with ``wave`` or sox.
    """

    name = "folder"

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def start(self, wav: Path, text: str) -> Playback:
        with self._lock:
            number = next(self._numbers)
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{number:04d}.wav"
        shutil.move(str(wav), target)
        (self.folder / f"{number:04d}.txt").write_text(text, encoding="utf-8")
        return _Done()


class WinsoundPlayer(AudioSink):
    """Windows: plays with ``winsound.PlaySound`` asynchronously; stopping silences it at once."""

    name = "winsound"

    def availability_problem(self) -> SpeechError | None:
        if sys.platform != "win32":
            return SpeechError("winsound only plays on Windows.", "Use a player command here.")
        return None

    def start(self, wav: Path, text: str) -> Playback:
        winsound: Any = importlib.import_module("winsound")  # Windows only (typed as Any: absent elsewhere)

        with wave.open(str(wav), "rb") as audio:
            seconds = audio.getnframes() / max(audio.getframerate(), 1)
        try:
            winsound.PlaySound(str(wav), winsound.SND_FILENAME | winsound.SND_ASYNC | winsound.SND_NODEFAULT)
        except RuntimeError as error:
            raise SpeechError(f"Speech could not be played ({error}).", _NO_AUDIO_ADVICE) from error
        return _WinsoundPlayback(seconds, winsound)


class _WinsoundPlayback(Playback):
    def __init__(self, seconds: float, winsound: object) -> None:
        self._seconds = seconds
        self._winsound = winsound
        self._stopped = threading.Event()

    def wait(self) -> None:
        self._stopped.wait(self._seconds)

    def stop(self) -> None:
        self._stopped.set()
        self._winsound.PlaySound(None, 0)  # type: ignore[attr-defined]


def find_player() -> AudioSink | None:
    """The first installed player of PLAYER_COMMANDS (winsound on Windows), or None."""
    if sys.platform == "win32":
        return WinsoundPlayer()
    for command in PLAYER_COMMANDS:
        if shutil.which(command[0]) is not None:
            return CommandPlayer(command)
    return None


def child_group_args() -> dict:
    """Popen arguments that put the child in its own process group (killed as a whole)."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def kill_child(process: subprocess.Popen) -> None:
    """Kill ``process`` and its process group at once; harmless when it has already ended."""
    if process.poll() is not None:
        return
    try:
        if sys.platform != "win32":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (ProcessLookupError, PermissionError, OSError):
        pass
