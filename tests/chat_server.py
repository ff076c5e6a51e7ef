"""tests/engines/fake_chat_server.py for tests outside tests/engines: loaded once, under the module name the
engine tests import it by (``from fake_chat_server import ...``), so every test uses the same classes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def fake_chat_server() -> ModuleType:
    if "fake_chat_server" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "fake_chat_server", Path(__file__).parent / "engines" / "fake_chat_server.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["fake_chat_server"] = module  # dataclasses look their module up while it runs
        spec.loader.exec_module(module)
    return sys.modules["fake_chat_server"]
