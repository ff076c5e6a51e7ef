"""A Windows and a macOS start, checked on Linux: every module imports with ``sys.platform`` faked and the POSIX-only
and X11 modules blocked, and the app's parts build headless (see start_as.py). Nothing here ran on Windows or
macOS themselves."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import inkscope_desktop

SCRIPT = Path(__file__).with_name("start_as.py")
MODULES = sum(1 for module in pkgutil.walk_packages(inkscope_desktop.__path__, "inkscope_desktop.")
              if not module.name.endswith("__main__"))


def start_as(platform: str, tmp_path: Path) -> dict:
    done = subprocess.run([sys.executable, str(SCRIPT), platform, str(tmp_path / "settings.json")],
                          capture_output=True, timeout=300)  # private_folders' config and data folders
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_every_module_imports_and_the_parts_build(platform, tmp_path, private_folders):
    report = start_as(platform, tmp_path)
    assert report["platform"] == platform
    assert report["failures"] == {}
    assert report["imported"] == MODULES
    assert {"window", "narration", "hotkeys", "describe", "capture", "registry"} <= set(report["parts"])


def test_a_windows_start_picks_the_windows_back_ends(tmp_path, private_folders):
    report = start_as("win32", tmp_path)
    assert report["window_system"] == "Win32WindowSystem"
    assert report["plan"] == ["announcement", "own-voice"]  # no screen reader runs
    # The own voice on Windows is SAPI; this Linux machine has no comtypes, so SAPI says what it needs.
    assert report["speaker_reason"].startswith("The own voice on Windows needs the comtypes package")


def test_a_macos_start_picks_the_macos_back_ends(tmp_path, private_folders):
    report = start_as("darwin", tmp_path)
    assert report["window_system"] == "QuartzWindowSystem"
    assert report["speaker"] == "pyttsx3"  # pyttsx3's nsss driver
