"""Describe region: freeze the whole desktop, let the user pick a rectangle, describe that part."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.qt.widgets.region_selector import RegionSelector

if TYPE_CHECKING:
    from PIL import Image

    from inkscope_desktop.capture import CapturedImage

    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow


class DesktopCapturer(Protocol):
    """What the region flow needs of ``capture.ScreenCapturer``: the whole desktop, every monitor at once."""

    def capture_all_monitors(self) -> CapturedImage: ...


class RegionFlow:
    """``start(on_region, on_cancel)`` shows the selector over a frozen screenshot; ``on_region(image, label)``
    gets the chosen part of that same screenshot (nothing is captured twice, so what was seen is described);
    ``on_cancel()`` runs after Esc or when the screen could not be captured."""

    def __init__(self, capturer: DesktopCapturer, window: CaptionWindow) -> None:
        self._capturer = capturer
        self._window = window
        self._selector: RegionSelector | None = None
        self._on_cancel: Callable[[], None] = lambda: None

    @property
    def selector(self) -> RegionSelector | None:
        return self._selector

    def start(self, on_region: Callable[["Image.Image", str], None],
              on_cancel: Callable[[], None] = lambda: None) -> None:
        self._on_cancel = on_cancel
        try:
            desktop = self._capturer.capture_all_monitors()
        except InkscopeError as error:
            self._window.show_error(error.user_text)
            on_cancel()
            return
        origin = (desktop.rect.x, desktop.rect.y)
        selector = RegionSelector(desktop.image, origin, announcer=self._window.announcer)

        def chosen(x: int, y: int, width: int, height: int) -> None:
            left, top = x - origin[0], y - origin[1]
            part = desktop.image.crop((left, top, left + width, top + height))
            self._close()
            on_region(part, f"Region {width}x{height} at {x}, {y}")

        selector.region_chosen.connect(chosen)
        selector.cancelled.connect(self._cancelled)
        self._selector = selector
        selector.show_over_desktop()

    def _cancelled(self) -> None:
        self._close()
        self._window.notify("Region selection cancelled.")
        self._on_cancel()

    def _close(self) -> None:
        if self._selector is not None:
            self._selector.close()
            self._selector.deleteLater()
            self._selector = None
