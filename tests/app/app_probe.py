"""Runs the real tray app with a probe that reports what happens as JSON lines, for end-to-end tests and
benchmarks that drive the app from outside (xdotool, ``inkscope-desktop trigger``) on a private X server.

    python tests/app/app_probe.py [--fake] [--scene IMAGE] [--model DIR] [other app options]

Each line on standard output is one JSON object with ``event`` and ``t`` (``time.perf_counter()``, which is
CLOCK_MONOTONIC on Linux and so comparable between processes): ``ready_to_drive`` (hotkeys listening),
``tray_visible``, ``window_shown``, ``status``, ``region_selector_shown``, ``caption_started``,
``first_chunk``, ``caption_finished`` (text, transcript, tokens, ``max_stall_ms``: the longest time the GUI
event loop did not run during that caption), ``caption_stopped``, ``error``, ``exit``.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
import sys
import time
from typing import Any


def _emit(event: str, **fields: Any) -> None:
    print(json.dumps({"event": event, "t": time.perf_counter(), **fields}), flush=True)


class StallMonitor:
    """A 1 ms precise timer on the GUI thread; the longest gap between its ticks is the longest stall."""

    def __init__(self, parent: Any) -> None:
        from PySide6.QtCore import Qt, QTimer

        self._timer = QTimer(parent)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(1)
        self._timer.timeout.connect(self._tick)
        self._last = time.perf_counter()
        self.max_gap_s = 0.0

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def reset(self) -> None:
        self._last = time.perf_counter()
        self.max_gap_s = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.max_gap_s = max(self.max_gap_s, now - self._last)
        self._last = now


def _engine(args: argparse.Namespace) -> Any:
    from inkscope_desktop.engines.fake import FakeEngine

    if args.fake:
        return FakeEngine(first_chunk_delay_s=args.first_chunk_delay, chunk_delay_s=args.chunk_delay,
                          load_delay_s=args.load_delay)
    from inkscope_desktop.engines.local.qwen2vl import Qwen2VLEngine

    return Qwen2VLEngine(args.model, device=args.device)


def _show_scene(path: str) -> Any:
    """A frameless window at the top left showing ``path``: the "desktop" that gets described."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPixmap
    from PySide6.QtWidgets import QLabel

    scene = QLabel()
    scene.setPixmap(QPixmap(path))
    scene.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowDoesNotAcceptFocus)
    scene.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    scene.move(0, 0)
    scene.show()
    return scene


def main(argv: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from inkscope_desktop.cli import build_parser
    from inkscope_desktop.qt.app import InkscopeApp
    from inkscope_desktop.qt.runtime.process import quit_on_signals
    from inkscope_desktop.settings.overrides import Overrides

    probe = argparse.ArgumentParser(add_help=False)
    probe.add_argument("--fake", action="store_true")
    probe.add_argument("--scene")
    probe.add_argument("--first-chunk-delay", type=float, default=0.0)
    probe.add_argument("--chunk-delay", type=float, default=0.0)
    probe.add_argument("--load-delay", type=float, default=0.0)
    probe.add_argument("--max-new-tokens", type=int, default=64)
    probe.add_argument("--speech-folder", help="the own voice writes WAV files here (else speech is off)")
    probe_args, rest = probe.parse_known_args(argv)
    args = build_parser().parse_args(rest)
    args.fake = probe_args.fake
    for name in ("first_chunk_delay", "chunk_delay", "load_delay"):
        setattr(args, name, getattr(probe_args, name))

    _emit("process_started")
    qt_app = QApplication(sys.argv[:1])
    qt_app.setQuitOnLastWindowClosed(False)
    scene = _show_scene(probe_args.scene) if probe_args.scene else None
    overrides = replace(Overrides.from_args(args), max_new_tokens=probe_args.max_new_tokens)  # short answers
    app = InkscopeApp(overrides, qt_app, engine=_engine(args))
    _set_up_speech(app, probe_args.speech_folder)
    if not app.claim_instance():
        _emit("exit", reason="another instance runs")
        return 1
    quit_on_signals(qt_app)
    stalls = StallMonitor(qt_app)
    _wire(app, stalls)
    app.start()
    stalls.start()
    _watch(app, qt_app)
    try:
        code = qt_app.exec()
    finally:
        app.shutdown()
        del scene
    _emit("exit", code=code)
    return code


def _set_up_speech(app: Any, folder: str | None) -> None:
    """Speech off (test machines have no sound card), or the own voice writing WAVs into ``folder``."""
    from dataclasses import replace

    from inkscope_desktop.speech import FolderSink, choose_speaker

    narration = app.parts.narration
    choice = app.store.settings.speech
    if folder is None:
        narration.use(replace(choice, route="off"))
        return
    narration.use(replace(choice, route="own-voice"))
    settings = replace(narration.settings, route="own-voice")
    narration.narrator.use(lambda: choose_speaker(settings, sink=FolderSink(folder)))


def _wire(app: Any, stalls: StallMonitor) -> None:
    """Report each job the describe flow starts, from its own handle, and every status line and error."""
    window = app.parts.window
    set_status = window.set_status

    def status(text: str, *, is_error: bool = False, announce: bool = True) -> None:
        set_status(text, is_error=is_error, announce=announce)
        _emit("status", text=window.status_text(), is_error=is_error, announced=announce)

    window.set_status = status

    def started(job: Any, context: Any) -> None:
        first = {"seen": False}
        stalls.reset()
        _emit("caption_started", source=context.label)

        def chunk(text: str, _tokens: int) -> None:
            if not first["seen"]:
                first["seen"] = True
                _emit("first_chunk", text=text)

        job.chunk.connect(chunk)
        job.finished.connect(lambda result: _emit(
            "caption_finished", text=result.text, transcript=window.transcript_text(), tokens=result.new_tokens,
            max_stall_ms=stalls.max_gap_s * 1000))
        job.stopped.connect(lambda: None if job.was_replaced else _emit("caption_stopped"))

    app.parts.describe.job_started.connect(started)
    window.notice_shown.connect(lambda text, is_error: _emit("message", text=text, is_error=is_error))
    window.error_shown.connect(lambda message: _emit("error", text=message))


def _watch(app: Any, qt_app: Any) -> None:
    """Poll for what has no signal: the tray icon embedded, the window shown, the region selector, hotkeys."""
    from PySide6.QtCore import QTimer

    seen: set[str] = set()

    def once(name: str, condition: bool, **fields: Any) -> None:
        if condition and name not in seen:
            seen.add(name)
            _emit(name, **fields)
        elif not condition and name in seen and name in ("window_shown", "region_selector_shown"):
            seen.discard(name)
            _emit(name.replace("_shown", "_hidden"))

    parts = app.parts

    def poll() -> None:
        tray = parts.tray
        once("tray_visible", tray is not None and tray.isVisible() and tray.geometry().isValid()
             and not tray.geometry().isEmpty(),
             menu=[action.text() for action in tray.menu.actions()] if tray is not None else [])
        window, region_flow = parts.window, parts.region_flow
        once("window_shown", window.isVisible(),
             menu_bar=[action.text() for menu in window.menuBar().actions() for action in menu.menu().actions()])
        once("region_selector_shown", region_flow.selector is not None and region_flow.selector.isVisible())
        once("ready_to_drive", parts.hotkeys.is_listening, tray=tray is not None)

    timer = QTimer(qt_app)
    timer.timeout.connect(poll)
    timer.start(5)


if __name__ == "__main__":
    raise SystemExit(main())
