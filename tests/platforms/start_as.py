"""Run as ``python start_as.py PLATFORM SETTINGS_FILE``: import every inkscope_desktop module as if ``sys.platform``
were PLATFORM ("win32", "darwin"), with the POSIX-only and X11 modules made unimportable, then build the app's
parts headless (Qt offscreen), choose the speech route and a window system as the app does, and print one JSON
line of what was chosen. This is how a Windows or macOS start is checked on a Linux machine.

Third-party libraries that pick a back-end at import (torch, Qt, Pillow, numpy, platformdirs) are imported
first, as Linux builds: only Inkscope's own code runs under the faked platform.
"""

from __future__ import annotations

import importlib
import importlib.abc
import json
import os
import pkgutil
import sys

os.environ["QT_QPA_PLATFORM"] = "offscreen"
PLATFORM, SETTINGS_FILE = sys.argv[1], sys.argv[2]

# Real Linux builds of what must not see the faked platform.
import ctypes  # noqa: E402,F401
import ctypes.util  # noqa: E402,F401
import multiprocessing.connection  # noqa: E402,F401
import subprocess  # noqa: E402,F401
import numpy  # noqa: E402,F401
import PIL.Image  # noqa: E402,F401
import platformdirs  # noqa: E402,F401
import torch  # noqa: E402,F401
from PySide6.QtWidgets import QApplication  # noqa: E402

#: Importable only on POSIX systems or under X11: an import of any of them fails, as it would on Windows.
POSIX_ONLY = {"fcntl", "termios", "pwd", "grp", "resource", "tty", "pty", "Xlib", "speechd", "pynput",
              "_posixshmem", "posix_ipc"}
if PLATFORM == "darwin":
    POSIX_ONLY -= {"fcntl", "termios", "pwd", "grp", "resource", "tty", "pty"}  # macOS has those
    POSIX_ONLY |= {"_winapi", "winreg", "msvcrt"}


class Unimportable(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in POSIX_ONLY:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked: not on {PLATFORM})", name=name)
        return None


for name in list(sys.modules):
    if name.split(".")[0] in POSIX_ONLY:
        del sys.modules[name]
sys.meta_path.insert(0, Unimportable())
sys.platform = PLATFORM

import inkscope_desktop  # noqa: E402

failures = {}
imported = 0
for module in pkgutil.walk_packages(inkscope_desktop.__path__, "inkscope_desktop."):
    if module.name.endswith("__main__"):  # runs the command line
        continue
    try:
        importlib.import_module(module.name)
        imported += 1
    except Exception as error:  # noqa: BLE001 - reported, the test fails on any
        failures[module.name] = f"{type(error).__name__}: {error}"

from inkscope_desktop.engines.fake import FakeEngine  # noqa: E402
from inkscope_desktop.qt.assembly import build_parts  # noqa: E402
from inkscope_desktop.settings import SettingsStore  # noqa: E402
from inkscope_desktop.speech.routes import ReaderPresence, choose_speaker, route_plan  # noqa: E402
from inkscope_desktop.speech.speaker_config import SpeakerConfig, SpeechRoute  # noqa: E402

app = QApplication([])
parts = build_parts(SettingsStore(SETTINGS_FILE), engine=FakeEngine(), has_tray=False)
chosen = choose_speaker(SpeakerConfig(), presence=ReaderPresence(PLATFORM))
from inkscope_desktop.capture import window_system  # noqa: E402

system = window_system.create_window_system()
print(json.dumps({
    "platform": sys.platform, "imported": imported, "failures": failures,
    "speaker": chosen.name, "speaker_reason": getattr(getattr(chosen, "reason", None), "user_text", None),
    "plan": route_plan(SpeechRoute.AUTO, ReaderPresence(PLATFORM)),
    "window_system": type(system).__name__,
    "window_system_reason": getattr(getattr(system, "reason", None), "user_text", None),
    "parts": sorted(name for name in vars(parts) if not name.startswith("_")),
}))
parts.narration.close()
