"""The engine host: a settings change of model or server loads a new engine in the background; the old engine's
job ends with ``stopped`` and its loading events no longer reach the app; the old engine is unloaded."""

from __future__ import annotations

from dataclasses import replace

from inkscope_desktop.core.actions import Action
from inkscope_desktop.settings import ModelSettings, Settings
from recording_engine import RecordingEngine

WAIT_MS = 5000


class UnloadRecordingEngine(RecordingEngine):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unloaded = False

    def unload(self) -> None:
        self.unloaded = True


def test_a_new_engine_replaces_the_old_one_whose_job_stops_and_whose_events_go_nowhere(qtbot, make_parts):
    old = UnloadRecordingEngine(" ".join(f"w{i}" for i in range(300)), chunk_delay_s=0.02)
    app = make_parts(old, show=False)
    host = app.parts.engine_host
    with qtbot.waitSignal(app.watch.chunk_shown, timeout=WAIT_MS):
        app.dispatch(Action.DESCRIBE_SCREEN)
    job = app.watch.jobs[-1]
    loading = []
    host.loading.connect(loading.append)
    new = RecordingEngine(load_delay_s=0.2)
    host.replace(new)
    assert job.outcome == "stopped" and host.engine is new
    qtbot.waitUntil(lambda: old.unloaded, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: host.jobs.service.is_ready, timeout=WAIT_MS)
    assert loading  # the new engine's loading is told
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS) as finished:
        app.dispatch(Action.DESCRIBE_SCREEN)
    assert finished.args[0].text == new.script_for(new.requests[0]) and len(old.requests) == 1


def test_only_a_change_of_model_device_or_server_replaces_the_engine(qtbot, make_parts):
    app = make_parts(show=False)
    host = app.parts.engine_host
    first = host.jobs
    settings = app.store.settings
    app.parts.settings_flow.save(replace(settings, speech=replace(settings.speech, rate=300)))
    assert host.jobs is first
    app.parts.settings_flow.save(replace(settings, model=ModelSettings("/no/such/model", "cpu")))
    assert host.jobs is not first and host.engine.name == "qwen2-vl"
    assert app.window.messages()[0] == "Settings saved."


class UnreachableHubEngine(RecordingEngine):
    """Loads as the real engine does when the hub cannot be reached on first use."""

    def load(self, progress=None):
        from inkscope_desktop.core.errors import DownloadError

        raise DownloadError("Inkscope tried to download its model, some/model, from the Hugging Face hub, but could "
                            "not reach the hub: there is no internet connection, or a proxy or firewall blocks it.",
                            "Check the internet connection, then try again; what was already downloaded is kept.")


def test_a_failed_first_download_says_so_in_plain_words_and_offers_to_try_again(qtbot, make_parts):
    """Issue 14, item 10: no exception names, no backticks, no command the app does not take; a Retry button
    with a key, and the Settings' Download."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    from inkscope_desktop.settings.overrides import Overrides

    app = make_parts(UnreachableHubEngine(), overrides=Overrides(is_fake_engine=True))
    qtbot.waitUntil(lambda: bool(app.window.messages()), timeout=WAIT_MS)
    message = app.window.messages()[0]
    assert message.startswith("Error: Inkscope tried to download its model") and "could not reach the hub" in message
    assert "Try loading the model again (Alt+T)" in message and "Settings, Model, Download" in message
    assert "`" not in message and "inkscope-desktop" not in message and "Error(" not in message
    button = next(b for b in app.window.findChildren(QPushButton) if b.accessibleName() == "Try loading the model again")
    assert button.isVisible() and button.text() == "&Try loading the model again"
    qtbot.keyClick(app.window, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: app.window.status_text() == "Inkscope ready", timeout=WAIT_MS)  # the retry loaded
    assert not button.isVisible()
