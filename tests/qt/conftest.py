"""Qt test setup: widgets run on the offscreen platform unless QT_QPA_PLATFORM says otherwise (e.g. xcb).

The app's parts are built by the same ``build_parts`` the app uses, so a test sees them wired together as a user
does (narration, the video queue and the history included); only the engine, the capturer, the speaker and the
video probe may be stand-ins.
"""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

# Before any QApplication exists (pytest-qt's qapp fixture creates it on first use).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def make_parts(qapp, qtbot, private_folders, tmp_path):
    """``make(engine=None, capturer=None, *, speaker=None, settings=None, show=True, **build_options)``: the app's
    parts (``build_parts``) with a RecordingEngine, a fake capturer of ``noise()``, a RecordingSpeaker for the
    narrator and a settings file of their own; started (the engine loads), not shown in a tray. Returns a
    namespace with ``parts``, ``engine``, ``window``, ``speaker``, ``watch`` (a :class:`CaptionWatch`),
    ``announced`` ((text, status line at that moment) per announcement) and ``dispatch(action)``."""
    import numpy as np
    from PIL import Image

    from caption_watch import CaptionWatch
    from inkscope_desktop.capture import fake_capturer
    from inkscope_desktop.qt.assembly import build_parts
    from inkscope_desktop.settings import SettingsStore
    from inkscope_desktop.speech import Narrator
    from inkscope_desktop.speech.recording import RecordingSpeaker
    from recording_engine import RecordingEngine

    made = []

    def make(engine=None, capturer=None, *, speaker=None, settings=None, show=True, **options):
        engine = engine if engine is not None else RecordingEngine()
        if capturer is None:
            pixels = np.random.default_rng(0).integers(0, 256, (200, 320, 3), dtype=np.uint8)
            capturer = fake_capturer(Image.fromarray(pixels, "RGB"))
        speaker = speaker if speaker is not None else RecordingSpeaker()
        store = SettingsStore(tmp_path / f"settings-{len(made)}.json")
        if settings is not None:
            store.save(settings)
        options.setdefault("has_tray", False)
        parts = build_parts(store, engine=engine, capturer=capturer,
                            make_narrator=lambda _factory, on_problem: Narrator(speaker, on_problem=on_problem),
                            **options)
        window = parts.window
        qtbot.addWidget(window)
        app = SimpleNamespace(parts=parts, engine=engine, window=window, speaker=speaker, store=store,
                              capturer=capturer, watch=CaptionWatch(parts.describe), dispatch=parts.dispatch,
                              announced=[])
        window.announcer.announced.connect(lambda text, _: app.announced.append((text, window.status_text())))
        made.append(app)
        if show:
            window.show()
            qtbot.waitExposed(window)
        parts.engine_host.start()
        return app

    yield make
    for app in made:
        app.parts.engine_host.stop()
        app.parts.recent_screen.close()
        app.parts.narration.close()
        app.parts.history.set_store(None)
        app.window.close()


@pytest.fixture
def make_inkscope_app(qapp, tmp_path, private_folders):
    """``make(*argv, privacy=None, start=False, confirm_remote=None)``: the whole app with the fake engine and a
    settings file of its own in ``tmp_path`` (``privacy`` saved into it first); shut down and closed after the
    test. ``app.watch`` is a :class:`CaptionWatch` on its describe flow."""
    from dataclasses import replace

    from caption_watch import CaptionWatch
    from inkscope_desktop.cli import build_parser
    from inkscope_desktop.engines.fake import FakeEngine
    from inkscope_desktop.qt.app import InkscopeApp
    from inkscope_desktop.settings import Settings, SettingsStore
    from inkscope_desktop.settings.overrides import Overrides

    apps = []

    def make(*argv: str, privacy=None, start: bool = False, confirm_remote=None) -> InkscopeApp:
        store = SettingsStore(tmp_path / "settings.json")
        if privacy is not None:
            store.save(replace(Settings(), privacy=privacy))
        options = {"confirm_remote": confirm_remote} if confirm_remote is not None else {}
        app = InkscopeApp(Overrides.from_args(build_parser().parse_args(list(argv))), qapp, store=store,
                          engine=FakeEngine(), **options)
        app.watch = CaptionWatch(app.parts.describe)
        apps.append(app)
        if start:
            app.start()
        return app

    yield make
    for app in apps:
        app.shutdown()
        app.window.close()
