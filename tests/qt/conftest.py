"""Qt test setup: widgets run on the offscreen platform unless QT_QPA_PLATFORM says otherwise (e.g. xcb)."""

from __future__ import annotations

import os

import pytest

# Before any QApplication exists (pytest-qt's qapp fixture creates it on first use).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def make_inkscope_app(qapp, tmp_path):
    """``make(*argv, privacy=None, start=False, confirm_remote=None)``: the whole app with the fake engine and a settings file of
    its own in ``tmp_path`` (``privacy`` saved into it first); shut down and closed after the test."""
    from dataclasses import replace

    from inkscope_desktop.cli import build_parser
    from inkscope_desktop.engines.fake import FakeEngine
    from inkscope_desktop.qt.app import InkscopeApp
    from inkscope_desktop.settings import Settings, SettingsStore

    apps = []

    def make(*argv: str, privacy=None, start: bool = False, confirm_remote=None) -> InkscopeApp:
        store = SettingsStore(tmp_path / "settings.json")
        if privacy is not None:
            store.save(replace(Settings(), privacy=privacy))
        app = InkscopeApp(build_parser().parse_args(list(argv)), qapp, engine=FakeEngine(), store=store,
                          confirm_remote=confirm_remote)
        apps.append(app)
        if start:
            app.start()
        return app

    yield make
    for app in apps:
        app.shutdown()
        app.window.close()
