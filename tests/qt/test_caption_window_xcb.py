"""The caption window's keys under Qt's real X11 platform plugin (xcb), not only offscreen.

Key bindings differ by platform: on X11 a line edit takes Ctrl+E as "end of line", which offscreen does not, so
the tests about keys in text boxes run again here, in a child pytest under xcb on this session's X display."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEY_TESTS = "ctrl_e or text_box or f6 or tab_order"


@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X display (scripts/test.sh runs Xvfb)")
def test_the_window_keys_work_under_the_x11_platform_plugin():
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", KEY_TESTS,
                             str(ROOT / "tests" / "qt" / "test_caption_window.py")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and " deselected" in result.stdout
