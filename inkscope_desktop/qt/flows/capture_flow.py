"""Screen, window and region captures for a caption, taken with the caption window out of the way."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import InkscopeError

if TYPE_CHECKING:
    from PIL import Image

    from inkscope_desktop.capture import CapturedImage
    from inkscope_desktop.qt.flows.describe_flow import DescribeFlow
    from inkscope_desktop.qt.flows.status_presenter import StatusPresenter
    from inkscope_desktop.qt.flows.window_flow import PutAway, WindowFlow
    from inkscope_desktop.qt.runtime.action_registry import ActionRegistry
    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow

#: How long a capture waits once the window system has taken the caption window off the screen (``hide_for_capture``
#: makes a round trip to be sure of that): about three frames at 60 Hz, for a compositor's next frame or the
#: windows under it to repaint. It used to be a blind 150 ms, which every description in tray mode paid.
HIDE_FOR_CAPTURE_MS = 50

Capture = Callable[[], "CapturedImage"]
RegionChosen = Callable[["Image.Image", str], None]


class Capturer(Protocol):
    """What the capture flow needs of ``capture.ScreenCapturer`` (or a test's ``fake_capturer``)."""

    def capture_screen(self) -> CapturedImage: ...

    def capture_active_window(self) -> CapturedImage: ...


class RegionPicker(Protocol):
    """Shows the region selector: ``on_region(image, label)`` with the part chosen, or ``on_cancel()``."""

    def __call__(self, on_region: RegionChosen, on_cancel: Callable[[], None]) -> None: ...


class CaptureFlow(QObject):
    """Owns the actions describe-screen, describe-window and describe-region; GUI thread only.

    What was captured goes to the describe flow, a capture error to the status line (with its advice), a
    capturer's notice to the status line. ``region_picker`` lets the user pick a part of the screen (None: region
    selection is not available here). A capture waiting for the window to hide is dropped when any newer request
    starts or the user says stop.
    """

    def __init__(self, window: CaptionWindow, capturer: Capturer, region_picker: RegionPicker | None,
                 describe: DescribeFlow, status: StatusPresenter, window_flow: WindowFlow) -> None:
        super().__init__(window)
        self._window = window
        self._window_flow = window_flow
        self._put_away: PutAway | None = None  # how the window was before it hid for the capture waiting
        self._capturer = capturer
        self._region_picker = region_picker
        self._describe = describe
        self._status = status
        self._pending_capture: Capture | None = None  # a capture waiting for the window to hide
        self._capture_timer = QTimer(self, singleShot=True, interval=HIDE_FOR_CAPTURE_MS)
        self._capture_timer.timeout.connect(self._capture_after_hiding)
        describe.job_started.connect(self.drop_pending)  # a newer request replaces a capture still waiting
        describe.interrupted.connect(self.drop_pending)

    def register_actions(self, registry: ActionRegistry) -> None:
        registry.register(Action.DESCRIBE_SCREEN, self.describe_screen)
        registry.register(Action.DESCRIBE_WINDOW, self.describe_window)
        registry.register(Action.DESCRIBE_REGION, self.pick_region)

    def describe_screen(self) -> None:
        self._describe.note_request()
        self._capture_then_describe(self._capturer.capture_screen)

    def describe_window(self) -> None:
        """The active window: the last one that is not Inkscope's (its window hides first, and is passed over)."""
        self._describe.note_request()
        self._capture_then_describe(self._capturer.capture_active_window)

    def drop_pending(self, *_: object) -> None:
        """Forget a capture still waiting for the window to hide (a newer request, or "stop")."""
        self._pending_capture = None

    def _capture_then_describe(self, capture: Capture) -> None:
        """Capture the screen without the caption window on it: hide, wait a moment, capture, show again.

        A capture asked for during that wait takes the waiting one's place, and any other request or
        "stop" drops it, so the newest request still wins."""
        if self._capture_timer.isActive():
            self._pending_capture = capture
            return
        if not self._window.isVisible():
            self._describe_capture(capture)
            return
        self._put_away = self._window_flow.hide_for_capture()
        self._pending_capture = capture
        self._capture_timer.start()

    def _capture_after_hiding(self) -> None:
        capture, self._pending_capture = self._pending_capture, None
        if capture is not None:
            self._describe_capture(capture)
        put_away, self._put_away = self._put_away, None
        if put_away is not None:
            self._window_flow.restore(put_away)

    def _describe_capture(self, capture: Capture) -> None:
        try:
            captured = capture()
        except InkscopeError as error:
            self._status.fail(error.user_text)
            return
        if captured.notice:
            self._window.notify(captured.notice)
        self._describe.describe(captured.image, captured.label, subject=captured.subject)

    def pick_region(self) -> None:
        """Let the user pick a part of the screen; a visible caption window is hidden first so that the frozen
        screenshot shows what is under it, and shown again once the pick is done or cancelled."""
        self._describe.note_request()
        picker = self._region_picker
        if picker is None:
            self._status.fail("Region selection is not available here.")
            return
        if not self._window.isVisible():
            picker(self._describe_region, lambda: None)
            return
        put_away = self._window_flow.hide_for_capture()

        def show_window() -> None:
            self._window_flow.restore(put_away)

        def chosen(image: "Image.Image", label: str) -> None:
            self._describe_region(image, label)
            show_window()

        # With this flow (the window's child) as context, the timer dies with the window rather than call into it
        # once deleted.
        QTimer.singleShot(HIDE_FOR_CAPTURE_MS, self, lambda: picker(chosen, show_window))

    def _describe_region(self, image: Image.Image, label: str) -> None:
        self._describe.describe(image, label, subject="region")
