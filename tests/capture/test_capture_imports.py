"""Importing the capture package does no work: no display, mss, python-xlib or Qt needed."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import pytest
from pathlib import Path

import inkscope_desktop.capture as capture
from inkscope_desktop.capture.quartz_window_system import QuartzWindowSystem
from inkscope_desktop.capture.win32_window_system import Win32WindowSystem
from inkscope_desktop.capture.x11_window_system import X11WindowSystem

CODE = """
import sys
import inkscope_desktop.capture
import inkscope_desktop.capture.quartz_window_system, inkscope_desktop.capture.win32_window_system
import inkscope_desktop.capture.x11_window_system
capturer = inkscope_desktop.capture.ScreenCapturer()
print(sorted(name for name in ("mss", "Xlib", "PySide6", "torch", "transformers", "pynput") if name in sys.modules))
"""


def test_importing_and_constructing_loads_no_heavy_or_display_library():
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_each_platform_back_end_says_where_it_works():
    assert (Win32WindowSystem().availability_problem() is None) == (sys.platform == "win32")
    assert (QuartzWindowSystem().availability_problem() is None) == (sys.platform == "darwin")
    if sys.platform.startswith("linux"):
        assert X11WindowSystem().availability_problem() is None
        assert isinstance(capture.create_window_system(), X11WindowSystem)


def test_with_no_back_end_the_null_one_carries_the_native_back_ends_reason(monkeypatch):
    from inkscope_desktop.capture import window_system

    monkeypatch.setattr(window_system, "window_system_candidates", lambda display=None: [
        Win32WindowSystem(), X11WindowSystem(":99")])
    monkeypatch.setattr("inkscope_desktop.capture.x11_window_system.uses_x11", lambda: False)
    chosen = capture.create_window_system()
    assert isinstance(chosen, capture.NullWindowSystem)
    if sys.platform.startswith("linux"):  # the X11 back-end is this platform's own: its reason is told
        with pytest.raises(capture.WindowNotFound, match="This session has no X11 display"):
            chosen.active_window()


def test_the_capture_package_keeps_to_its_layer():
    """capture may import the stdlib, PIL, numpy, mss, python-xlib and inkscope_desktop.core: no Qt, no models."""
    allowed = set(sys.stdlib_module_names) | {"PIL", "numpy", "mss", "Xlib", "__future__"}
    package = Path(capture.__file__).parent
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                if module.startswith("inkscope_desktop."):
                    assert module.split(".")[1] in ("core", "capture"), (path.name, module)
                else:
                    assert module.split(".")[0] in allowed, (path.name, module)
