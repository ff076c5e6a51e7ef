"""Settings and history load no model library, GUI or input library: the CLI and the core tests stay light."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("torch", "transformers", "PySide6", "pynput", "pyttsx3", "mss", "huggingface_hub")


def test_importing_settings_and_history_loads_nothing_heavy():
    code = ("import sys\n"
            "import inkscope_desktop.settings, inkscope_desktop.settings.autostart, inkscope_desktop.history\n"
            "import inkscope_desktop.commands.config, inkscope_desktop.commands.history\n"
            f"print([name for name in {HEAVY!r} if name in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
