"""The screen capturer: the monitor under the pointer, a chosen monitor, all monitors, a region, the active window."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PIL import Image

from inkscope_desktop.capture.captured_image import CapturedImage, CaptureSource
from inkscope_desktop.capture.geometry import Rect, monitor_at
from inkscope_desktop.capture.pixel_sources import ImagePixelSource, PixelSource, create_pixel_source
from inkscope_desktop.capture.window_system import (
    ActiveWindow, FakeWindowSystem, WindowNotFound, WindowSystem, create_window_system,
)
from inkscope_desktop.core.errors import CaptureError

log = logging.getLogger(__name__)


class ScreenCapturer:
    """Captures parts of the virtual desktop as RGB images that say where they came from.

    Every image is exactly the size of its rectangle in desktop coordinates: physical pixels on X11 and
    Windows (mss makes the process per-monitor DPI aware), points on macOS, where a Retina screen's
    doubled pixels are scaled down so that rectangles, regions and stitched monitors share one scale.
    Parts of a rectangle that no monitor shows (gaps between monitors of different sizes) are black.

    ``pixels`` and ``windows`` default to mss and the platform's window system; ``display`` names the
    X display (X11 only; ``None`` reads ``$DISPLAY`` at each capture). One capturer may be used from
    several threads. Call ``refresh_monitors()`` when monitors change and ``close()`` at the end.
    """

    def __init__(self, pixels: PixelSource | None = None, windows: WindowSystem | None = None, *,
                 display: str | None = None) -> None:
        self._pixels = pixels if pixels is not None else create_pixel_source(display)
        self._windows = windows if windows is not None else create_window_system(display)

    # --- what is there -------------------------------------------------------------------------
    def monitors(self) -> list[Rect]:
        """Every monitor in virtual-desktop coordinates; screen number N is ``monitors()[N - 1]``."""
        return self._pixels.monitors()

    def pointer_position(self) -> tuple[int, int] | None:
        """The mouse pointer in virtual-desktop coordinates, or ``None`` where it cannot be found."""
        return self._windows.pointer_position()

    def warm_up(self) -> None:
        """Open this thread's display connections and shared memory now by capturing the screen once
        (~100 ms on X11, libraries loaded), so the first capture the user asks for is as fast as the rest.

        Connections are per thread: call it on the thread that will capture (the GUI thread in the app).
        A missing display is not an error here; the capture will say so."""
        try:
            self.capture_screen()
        except CaptureError as error:
            log.info("Capture warm-up failed: %s", error)

    def refresh_monitors(self) -> None:
        """Read the monitor layout again at the next capture (after a monitor is added, removed or moved)."""
        self._pixels.refresh()

    # --- captures ------------------------------------------------------------------------------
    def capture_screen(self) -> CapturedImage:
        """The monitor under the mouse pointer (the first monitor where the pointer cannot be found)."""
        return self._screen_capture(notice=None)

    def capture_monitor(self, number: int) -> CapturedImage:
        """Screen ``number``, counted from 1 as users hear it ("Screen 2 of 3")."""
        monitors = self.monitors()
        if not 1 <= number <= len(monitors):
            raise CaptureError(f"There is no screen {number}; this computer has {len(monitors)}.",
                               f"Choose a screen from 1 to {len(monitors)}." if len(monitors) > 1
                               else "Choose screen 1.")
        return self._monitor_capture(monitors, number - 1, CaptureSource.MONITOR, None)

    def capture_all_monitors(self) -> CapturedImage:
        """Every monitor in one image covering their bounding box, with black where no monitor shows."""
        monitors = self.monitors()
        desktop = Rect.bounding(monitors)
        return CapturedImage(self._compose(desktop, monitors), CaptureSource.ALL_MONITORS, desktop,
                             monitor_count=len(monitors))

    def capture_region(self, rect: Rect | Sequence[int]) -> CapturedImage:
        """The rectangle ``rect`` (x, y, width, height) of the virtual desktop, clipped to the desktop.

        A region of no size, or one that no monitor shows, is a CaptureError.
        """
        rect = rect if isinstance(rect, Rect) else Rect(*(int(value) for value in rect))
        if rect.is_empty:
            raise CaptureError(f"The region {rect} is empty.", "Choose a region at least one pixel wide and high.")
        monitors = self.monitors()
        clipped = self._clip(rect, monitors)
        if clipped is None:
            desktop = Rect.bounding(monitors)
            raise CaptureError(f"The region {rect} is outside every screen.",
                               f"Choose a region on the screens, which cover {desktop}.")
        return CapturedImage(self._compose(clipped, monitors), CaptureSource.REGION, clipped,
                             monitor_count=len(monitors))

    def capture_active_window(self) -> CapturedImage:
        """The active window with its frame; where it cannot be found (Wayland, no EWMH window manager,
        nothing active, a window off the screen), the monitor under the pointer with a ``notice`` why."""
        try:
            window = self._windows.active_window()
            monitors = self.monitors()
            clipped = self._clip(window.rect, monitors)
            if clipped is None:
                raise WindowNotFound("The active window is off the screen")
        except WindowNotFound as missing:
            log.info("Active window not captured: %s", missing.reason)
            return self._screen_capture(notice=f"{missing.reason}, so the whole screen was captured.")
        return CapturedImage(self._compose(clipped, monitors), CaptureSource.WINDOW, clipped,
                             monitor_count=len(monitors), window_title=window.title or None)

    def close(self) -> None:
        self._pixels.close()
        self._windows.close()

    def __enter__(self) -> "ScreenCapturer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- helpers -------------------------------------------------------------------------------
    def _screen_capture(self, notice: str | None) -> CapturedImage:
        monitors = self.monitors()
        pointer = self.pointer_position()
        index = monitor_at(monitors, *pointer) if pointer is not None else 0
        return self._monitor_capture(monitors, index, CaptureSource.SCREEN, notice)

    def _monitor_capture(self, monitors: list[Rect], index: int, source: CaptureSource,
                         notice: str | None) -> CapturedImage:
        rect = monitors[index]
        return CapturedImage(self._grab(rect), source, rect, monitor=index + 1, monitor_count=len(monitors),
                             notice=notice)

    @staticmethod
    def _clip(rect: Rect, monitors: list[Rect]) -> Rect | None:
        """``rect`` clipped to the desktop's bounding box, or None where no monitor shows any of it."""
        if not any(monitor.intersection(rect) for monitor in monitors):
            return None
        return rect.intersection(Rect.bounding(monitors))

    def _compose(self, rect: Rect, monitors: list[Rect]) -> Image.Image:
        """The pixels of ``rect``: one grab where monitors show all of it (one monitor, or several
        side by side without gaps), else each monitor's part pasted onto black."""
        parts = list(dict.fromkeys(part for monitor in monitors if (part := monitor.intersection(rect))))
        if rect in parts or _tile(parts, rect):
            return self._grab(rect)
        canvas = Image.new("RGB", rect.size)
        for part in parts:
            canvas.paste(self._grab(part), (part.x - rect.x, part.y - rect.y))
        return canvas

    def _grab(self, rect: Rect) -> Image.Image:
        """A grab scaled to ``rect.size`` where the screen has more pixels than points (Retina)."""
        image = self._pixels.grab(rect)
        if image.size == rect.size:
            return image
        factor_x, factor_y = image.width / rect.width, image.height / rect.height
        if factor_x == factor_y and factor_x.is_integer():
            return image.reduce(int(factor_x))
        return image.resize(rect.size, Image.Resampling.BOX)


def _tile(parts: list[Rect], rect: Rect) -> bool:
    """True when ``parts`` (each inside ``rect``) cover it exactly, without overlapping one another."""
    if sum(part.area for part in parts) != rect.area:
        return False
    return all(a.intersection(b) is None for i, a in enumerate(parts) for b in parts[i + 1:])


def fake_capturer(desktop: Image.Image, monitors: list[Rect] | None = None, *, origin: tuple[int, int] = (0, 0),
                  pointer: tuple[int, int] | None = (0, 0), window: ActiveWindow | None = None,
                  scale: int = 1) -> ScreenCapturer:
    """A capturer over an image standing in for the desktop, for tests and demos (no display needed).

    ``window=None`` means no window is active, so window captures fall back to the screen with a notice.
    """
    return ScreenCapturer(ImagePixelSource(desktop, monitors, origin, scale), FakeWindowSystem(pointer, window))
