"""Doubles of the Windows speech APIs, each behaving as its documentation or source says (CI has no Windows)."""
# ruff: noqa: N802 - the doubles keep the COM names they stand for

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field


class ComDouble:
    """``ComRuntime``: records the thread of every call, as COM's single-threaded apartment would forbid any call
    from a thread other than the object's creator. ``objects`` maps ProgIDs to the object CreateObject returns;
    a ProgID not there fails as CreateObject does for an unregistered class (``OSError`` / COMError)."""

    def __init__(self, **objects: object) -> None:
        self.objects = dict(objects)
        self.threads: set[int] = set()
        self.created: list[str] = []

    def initialize(self) -> None:
        self.threads.add(threading.get_ident())

    def create(self, prog_id: str) -> object:
        self.threads.add(threading.get_ident())
        self.created.append(prog_id)
        key = prog_id.replace(".", "_")
        if key not in self.objects:
            raise OSError(f"-2147221005, 'Invalid class string' ({prog_id})")
        return self.objects[key]

    def uninitialize(self) -> None:
        pass


@dataclass
class TokenDouble:
    Id: str
    description: str

    def GetDescription(self) -> str:
        return self.description


class TokensDouble:
    """ISpeechObjectTokens: ``Count`` and ``Item(i)``."""

    def __init__(self, tokens: list[TokenDouble]) -> None:
        self._tokens = tokens

    @property
    def Count(self) -> int:
        return len(self._tokens)

    def Item(self, index: int) -> TokenDouble:
        return self._tokens[index]


@dataclass
class SpVoiceDouble:
    """ISpeechVoice as documented (learn.microsoft.com, "ISpeechVoice Speak method", "WaitUntilDone",
    "SpeechVoiceSpeakFlags"): with SVSFlagsAsync (1) ``Speak`` queues the text and returns a stream number at
    once; without it, it returns after speaking. SVSFPurgeBeforeSpeak (2) drops everything queued and being
    said before this text. SVSFIsNotXML (16) reads "<" as text. ``WaitUntilDone(ms)`` returns True once nothing
    is left to say. Here each piece "sounds" for ``piece_s`` seconds of real time; every call records its thread.
    """

    piece_s: float = 0.05
    Rate: int = 0
    Volume: int = 100
    Voice: object = None
    voices: list[TokenDouble] = field(default_factory=lambda: [
        TokenDouble("HKLM\\...\\TTS_MS_EN-US_ZIRA_11.0", "Microsoft Zira Desktop - English (United States)"),
        TokenDouble("HKLM\\...\\TTS_MS_EN-US_DAVID_11.0", "Microsoft David Desktop - English (United States)")])
    spoken: list[str] = field(default_factory=list)  # pieces that finished sounding
    started: list[str] = field(default_factory=list)
    flags: list[int] = field(default_factory=list)
    purges: int = 0
    threads: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._queue: list[tuple[str, float]] = []  # (text, when it ends), the first one sounding
        self._streams = 0

    def _advance(self) -> None:
        now = time.monotonic()
        while self._queue and self._queue[0][1] <= now:
            self.spoken.append(self._queue.pop(0)[0])
            if self._queue:
                text, _ = self._queue[0]
                self._queue[0] = (text, now + self.piece_s)

    def Speak(self, text: str, flags: int = 0) -> int:
        self.threads.add(threading.get_ident())
        self.flags.append(flags)
        self._advance()
        if flags & 2:
            self._queue.clear()
            self.purges += 1
        if text:
            self.started.append(text)
            self._queue.append((text, time.monotonic() + self.piece_s if not self._queue else float("inf")))
        self._streams += 1
        if not flags & 1:
            while self._queue:
                time.sleep(self.piece_s / 4)
                self._advance()
        return self._streams

    def WaitUntilDone(self, milliseconds: int) -> bool:
        self.threads.add(threading.get_ident())
        deadline = time.monotonic() + milliseconds / 1000
        while True:
            self._advance()
            if not self._queue:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)

    def GetVoices(self) -> TokensDouble:
        return TokensDouble(self.voices)


@dataclass
class JawsApiDouble:
    """FreedomSci.JawsApi as Freedom Scientific documents it: ``SayString(text, flush)`` queues ``text`` in
    JAWS's speech (a true ``flush`` first silences JAWS) and returns True; ``StopSpeech()`` silences JAWS."""

    said: list[str] = field(default_factory=list)
    flushes: int = 0
    stops: int = 0
    accepts: bool = True
    threads: set[int] = field(default_factory=set)

    def SayString(self, text: str, flush: bool) -> bool:
        self.threads.add(threading.get_ident())
        self.flushes += bool(flush)
        self.said.append(text)
        return self.accepts

    def StopSpeech(self) -> None:
        self.threads.add(threading.get_ident())
        self.stops += 1


@dataclass
class ReaderProbeDouble:
    """FindWindowW by class (and title), and SPI_GETSCREENREADER's flag."""

    windows: set[tuple[str, str | None]] = field(default_factory=set)
    flag: bool = False

    def has_window(self, class_name: str, title: str | None) -> bool:
        return (class_name, title) in self.windows or (title is None and any(
            known == class_name for known, _ in self.windows))

    def screen_reader_flag(self) -> bool:
        return self.flag
