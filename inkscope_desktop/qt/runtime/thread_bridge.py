"""Carries objects from worker threads (caption worker, hotkey listener, IPC server) to the GUI thread."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot


class ThreadBridge(QObject):
    """``post(obj)`` may be called from any thread; ``handler(obj)`` then runs on the GUI thread.

    The signal is connected with a queued connection, so the worker never touches a widget: it only
    emits, and Qt delivers the object through the GUI thread's event loop.
    """

    _posted = Signal(object)

    def __init__(self, handler: Callable[[object], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._handler = handler
        # Queued explicitly: the emitting thread is never the GUI thread's caller.
        self._posted.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def post(self, obj: object) -> None:
        """Thread-safe: hand ``obj`` to the GUI thread and return at once."""
        self._posted.emit(obj)

    @Slot(object)
    def _deliver(self, obj: object) -> None:
        self._handler(obj)
