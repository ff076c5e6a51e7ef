"""NVDA route (Windows): speaks through the running NVDA screen reader with its controller client DLL.

``nvdaControllerClient.dll`` (LGPL-2.1, from NV Access) is found, by full path, in this order: the path in the
setting ``speech.nvda_client_dll``; beside the app; in the folder of the ``accessible_output2`` package, which
redistributes NV Access's x86 and x64 builds and is installed with Inkscope on Windows; then in every folder on
PATH (Python 3.8 and later no longer search PATH for a bare DLL name, so the folders are walked here). The
build is chosen by the process's architecture (``client_architecture``). It is loaded with ctypes only when this
route is probed on Windows; importing this module anywhere is harmless.

NVDA queues the texts it is given and says them in order, so pieces are handed over at once; ``stop`` calls
``nvdaController_cancelSpeech``, which silences NVDA at once, whenever NVDA was given text since the last stop.
All three functions return an ``error_status_t`` (0 when it worked). Threading rules: see
``inkscope_desktop.speech.base``.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import platform
import struct
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from inkscope_desktop.speech.base import QueuedSpeaker, SpeechError

CLIENT_DLL = "nvdaControllerClient.dll"
_ADVICE = "Start NVDA, or choose the own voice in the speech settings."
#: Where NV Access publishes the controller client (nvda_VERSION_controllerClient.zip, with x86, x64 and arm64).
CLIENT_DOWNLOAD = "https://www.nvaccess.org/files/nvda/releases/"
MISSING_CLIENT_ADVICE = (f"Install accessible_output2 (pip install accessible_output2), or get "
                         f"nvda_VERSION_controllerClient.zip from {CLIENT_DOWNLOAD} and set its path with: "
                         f"inkscope-desktop config set speech.nvda_client_dll PATH")


def client_architecture(machine: str | None = None, pointer_bits: int | None = None) -> str:
    """"x86", "x64" or "arm64": the controller client build this process can load (a 32-bit Python needs the
    x86 build whatever the machine; ``machine`` is ``platform.machine()``)."""
    bits = pointer_bits if pointer_bits is not None else struct.calcsize("P") * 8
    if bits == 32:
        return "x86"
    machine = (machine if machine is not None else platform.machine()).lower()
    return "arm64" if machine in ("arm64", "aarch64") else "x64"


def client_dll_names(architecture: str) -> tuple[str, ...]:
    """The file names the client has for ``architecture``: NV Access's zip keeps ``ARCH/nvdaControllerClient.dll``;
    older copies (accessible_output2, cytolk) are named ``nvdaControllerClient32.dll`` / ``64.dll``."""
    old = {"x86": ("nvdaControllerClient32.dll",), "x64": ("nvdaControllerClient64.dll",)}.get(architecture, ())
    return (f"{architecture}/{CLIENT_DLL}", *old, CLIENT_DLL)


def client_search_folders(path_variable: str | None = None) -> list[Path]:
    """Beside the app, this package, accessible_output2's ``lib`` folder, then each folder on PATH."""
    folders = [Path(sys.executable).parent, Path(__file__).resolve().parent]
    spec = importlib.util.find_spec("accessible_output2")  # finds the package without importing it
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        folders.append(Path(location) / "lib")
    path_variable = os.environ.get("PATH", "") if path_variable is None else path_variable
    folders += [Path(folder) for folder in path_variable.split(os.pathsep) if folder.strip()]
    return folders


def client_candidates(dll_path: str, folders: Sequence[Path], architecture: str) -> list[Path]:
    """Full paths to try, best first: only ``dll_path`` when the user set one."""
    if dll_path:
        return [Path(dll_path)]
    return [folder / name for folder in folders for name in client_dll_names(architecture)]


class NvdaSpeaker(QueuedSpeaker):
    """Speaks through NVDA when ``nvdaController_testIfRunning`` says it runs.

    ``dll_path`` points at the controller client DLL ("" looks beside the app and on PATH). ``library`` is
    an already loaded client with the same functions (tests pass a double here).
    """

    name = "nvda"
    is_screen_reader_route = True

    def __init__(self, dll_path: str = "", *, library: Any = None, nvda_seen: bool = False) -> None:
        super().__init__()
        self._dll_path = dll_path
        self._nvda_seen = nvda_seen  # NVDA's window was found: a missing client is news for the user
        self._library = library
        self._load_lock = threading.Lock()
        self._has_handed_over = False  # NVDA may still be saying text we gave it

    def availability_problem(self) -> SpeechError | None:
        if self._library is None and sys.platform != "win32":
            return SpeechError("NVDA runs only on Windows.", "Use another speech route here.")
        try:
            library = self._loaded()
        except SpeechError as error:
            if self._nvda_seen:
                self.passed_over_notice = SpeechError(
                    f"NVDA runs, but its controller client ({CLIENT_DLL}) was not found, so Inkscope speaks through "
                    f"announcements, which NVDA may miss while Inkscope is in the background.", error.advice)
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
    candidates = client_candidates(dll_path, client_search_folders(), client_architecture())
    for candidate in candidates:
        if not candidate.is_file():
            continue
        try:
            library = ctypes.WinDLL(os.fspath(candidate.resolve()))  # type: ignore[attr-defined]
        except OSError:  # another architecture's build, or a broken file
            continue
        configure_client(library)
        return library
    if dll_path:
        raise SpeechError(f"The NVDA controller client set in the speech settings ({dll_path}) could not be loaded.",
                          "Check the path, or clear it to let Inkscope find the client: "
                          "inkscope-desktop config set speech.nvda_client_dll \"\"")
    raise SpeechError(f"The NVDA controller client ({CLIENT_DLL}) was not found.", MISSING_CLIENT_ADVICE)


def configure_client(library: Any) -> None:
    """Declare the client's functions: each returns an ``error_status_t`` (an unsigned long)."""
    library.nvdaController_speakText.argtypes = [ctypes.c_wchar_p]
    for function in (library.nvdaController_speakText, library.nvdaController_cancelSpeech,
                     library.nvdaController_testIfRunning):
        function.restype = ctypes.c_ulong
