"""The real app starting over settings files that used to crash or hang every start: it starts, with the
defaults, and says once why (the file was moved aside)."""

from __future__ import annotations

import os

import pytest


@pytest.mark.parametrize("kind", ["nested", "long-integer", "fifo"])
def test_the_app_starts_and_says_once_why_the_settings_are_the_defaults(make_inkscope_app, tmp_path, qtbot, kind):
    path = tmp_path / "settings.json"
    if kind == "nested":
        path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    elif kind == "long-integer":
        path.write_bytes(b'{"speech": {"rate": ' + b"9" * 5000 + b"}}")
    else:
        os.mkfifo(path)
    app = make_inkscope_app(start=True)
    qtbot.waitUntil(lambda: any("could not be read" in message for message in app.window.messages()),
                    timeout=10_000)
    said = [message for message in app.window.messages() if "could not be read" in message]
    assert len(said) == 1 and "The old file was kept as" in said[0]
    assert path.is_file()
