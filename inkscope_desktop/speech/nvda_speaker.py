"""NVDA route (Windows): speaks through the running NVDA screen reader with its controller client DLL.

``nvdaControllerClient.dll`` (shipped beside the app, or found on PATH) is loaded with ctypes only when
this route is probed on Windows; importing this module anywhere is harmless. NVDA queues the texts it is
given and says them in order, so pieces are handed over at once; ``stop`` calls
``nvdaController_cancelSpeech``, which silences NVDA at once, whenever NVDA was given text since the last stop.
Threading rules: see ``inkscope_desktop.speech.base``.
"""

from __future__ import annotations

import ctypes
import os
import struct
import sys
import threading
from typing import Any
from pathlib import Path

from inkscope_desktop.speech.base import QueuedSpeaker, SpeechError

CLIENT_DLL = "nvdaControllerClient.dll"
_ADVICE = "Start NVDA, or choose the own voice in the speech settings."


def client_dll_names() -> tuple[str, ...]:
    """The DLL's name, and its older per-architecture names."""
    bits = struct.calcsize("P") * 8
    return (CLIENT_DLL, f"nvdaControllerClient{bits}.dll")


class NvdaSpeaker(QueuedSpeaker):
    """Speaks through NVDA when ``nvdaController_testIfRunning`` says it runs.

    ``dll_path`` points at the controller client DLL ("" looks beside the app and on PATH). ``library`` is
    an already loaded client with the same functions (tests pass a double here).
    """

    name = "nvda"
    is_screen_reader_route = True

    def __init__(self, dll_path: str = "", *, library: Any = None) -> None:
        super().__init__()
        self._dll_path = dll_path
        self._library = library
        self._load_lock = threading.Lock()
        self._has_handed_over = False  # NVDA may still be saying text we gave it

    def availability_problem(self) -> SpeechError | None:
        if self._library is None and sys.platform != "win32":
            return SpeechError("NVDA runs only on Windows.", "Use another speech route here.")
        try:
            library = self._loaded()
        except SpeechError as error:
            return error
        if library.nvdaController_testIfRunning() != 0:
            return SpeechError("NVDA is not running.", _ADVICE)
        return None

    def stop(self) -> None:
        """Drop our queue and, if NVDA was given text since the last stop, silence NVDA."""
        super().stop()
        with self._load_lock:
            has_handed_over, self._has_handed_over = self._has_handed_over, False
            library = self._library
        if has_handed_over and library is not None:
            library.nvdaController_cancelSpeech()

    def _say(self, text: str, turn: int) -> None:
        library = self._loaded()
        if not self._is_current(turn):
            return
        status = library.nvdaController_speakText(text)
        if status != 0:
            raise SpeechError(f"NVDA did not accept the text (error {status}).", _ADVICE)
        if not self._is_current(turn):
            library.nvdaController_cancelSpeech()  # a stop came while we handed it over
            return
        with self._load_lock:
            self._has_handed_over = True
        self._report_started(text)  # NVDA queues it and says it in order; it does not say when it is done

    def _loaded(self):
        with self._load_lock:
            if self._library is None:
                self._library = _load_client(self._dll_path)
            return self._library


def _load_client(dll_path: str):
    candidates = [Path(dll_path)] if dll_path else []
    here = [Path(sys.executable).parent, Path(__file__).resolve().parent]
    candidates += [folder / name for folder in here for name in client_dll_names()]
    candidates += [Path(name) for name in client_dll_names()]  # Windows' DLL search path
    for candidate in candidates:
        if candidate.is_absolute() and not candidate.is_file():
            continue
        try:
            library = ctypes.WinDLL(os.fspath(candidate))  # type: ignore[attr-defined]
        except OSError:
            continue
        library.nvdaController_speakText.argtypes = [ctypes.c_wchar_p]
        return library
    raise SpeechError(f"The NVDA controller client ({CLIENT_DLL}) was not found.",
                      "Put it beside the app or set its path in the speech settings.")
