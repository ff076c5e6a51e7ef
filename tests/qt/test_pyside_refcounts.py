"""PySide6 6.12.0 drops a reference to ``True`` on every ``emit()`` with a connected slot; on Python 3.11,
where ``True`` is not immortal, the app then aborts after some thousands of chunks ("bool_dealloc").
pyproject.toml excludes that release; this test catches it (or a relapse) in whatever PySide6 is installed."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(object)


def test_emitting_signals_keeps_the_reference_count_of_true(qapp):
    emitter = _Emitter()
    received = []
    emitter.fired.connect(received.append)
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.fired.emit("chunk")
    assert len(received) == 200
    assert sys.getrefcount(True) >= before
