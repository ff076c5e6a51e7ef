"""Screen, window and region captures for a caption, taken with the caption window out of the way."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from inkscope_desktop.core.errors import InkscopeError

if TYPE_CHECKING:
    from PIL import Image

    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow

#: How long the caption window stays hidden so a screen capture does not show it.
HIDE_FOR_CAPTURE_MS = 150


def bring_to_front(window: "CaptionWindow") -> None:
    """Show ``window``, raised and active."""
    window.show()
    window.raise_()
    window.activateWindow()


class CaptureFlow(QObject):
    """Runs the capture actions for the controller; everything here runs on the GUI thread.

    What was captured goes to ``describe(image, label, subject=...)``, a capture error to ``fail(message)``
    and a capturer's notice to the status line. ``region_picker(on_region, on_cancel)`` lets the user pick a
    part of the screen (None: region selection is not available). A capture waiting for the window to hide
    is dropped by ``drop_pending()``, which the controller calls for any newer request and for "stop".
    """

    def __init__(self, window: "CaptionWindow", capturer: Any, region_picker: Any,
                 describe: Callable[..., None], fail: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window = window
        self._capturer = capturer
        self._region_picker = region_picker
        self._describe = describe
        self._fail = fail
        self._pending_capture: Any = None  # a capture waiting for the window to hide
        self._capture_timer = QTimer(self, singleShot=True, interval=HIDE_FOR_CAPTURE_MS)
        self._capture_timer.timeout.connect(self._capture_after_hiding)

    def describe_screen(self) -> None:
        self._capture_then_describe(lambda: self._capturer.capture_screen())

    def describe_window(self) -> None:
        self._describe_capture(lambda: self._capturer.capture_active_window())

    def drop_pending(self) -> None:
        """Forget a capture still waiting for the window to hide (a newer request, or "stop")."""
        self._pending_capture = None

    def _capture_then_describe(self, capture: Any) -> None:
        """Capture the screen without the caption window on it: hide, wait a moment, capture, show again.

        A capture asked for during that wait takes the waiting one's place, and any other request or
        "stop" drops it, so the newest request still wins."""
        if self._capture_timer.isActive():
            self._pending_capture = capture
            return
        if not self._window.isVisible():
            self._describe_capture(capture)
            return
        self._window.hide()
        self._pending_capture = capture
        self._capture_timer.start()

    def _capture_after_hiding(self) -> None:
        capture, self._pending_capture = self._pending_capture, None
        if capture is not None:
            self._describe_capture(capture)
        bring_to_front(self._window)

    def _describe_capture(self, capture: Any) -> None:
        try:
            captured = capture()
        except InkscopeError as error:
            self._fail(error.user_text)
            return
        if getattr(captured, "notice", None):
            self._window.set_status(captured.notice)
        self._describe(captured.image, captured.label, subject=captured.subject)

    def pick_region(self) -> None:
        """Let the user pick a part of the screen; a visible caption window is hidden first so that the frozen
        screenshot shows what is under it, and shown again once the pick is done or cancelled."""
        if self._region_picker is None:
            self._fail("Region selection is not available here.")
            return
        if not self._window.isVisible():
            self._region_picker(self._describe_region, lambda: None)
            return
        self._window.hide()

        def show_window() -> None:
            bring_to_front(self._window)

        def chosen(image: "Image.Image", label: str) -> None:
            self._describe_region(image, label)
            show_window()

        # With this flow (the controller's child) as context, the timer dies with the controller rather than
        # call into a deleted window.
        QTimer.singleShot(HIDE_FOR_CAPTURE_MS, self, lambda: self._region_picker(chosen, show_window))

    def _describe_region(self, image: "Image.Image", label: str) -> None:
        self._describe(image, label, subject="region")
