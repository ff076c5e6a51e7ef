"""Where pixels come from: mss for real screens, an image standing in for the desktop in tests and demos."""

from __future__ import annotations

import importlib.util
import logging
import sys
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from PIL import Image

from inkscope_desktop.capture.geometry import Rect
from inkscope_desktop.capture.session import display_unreachable_error, uses_x11, x_display_name
from inkscope_desktop.core.errors import CaptureError, InkscopeError
from inkscope_desktop.core.plugins import first_available

if TYPE_CHECKING:
    from mss import MSS

log = logging.getLogger(__name__)

T = TypeVar("T")


class PixelSource(ABC):
    """Reads monitor geometry and screen pixels.

    ``grab(rect)`` returns an RGB image of ``rect``, which lies inside one monitor. Its size is
    ``rect.size`` or a whole multiple of it where the screen has more physical pixels than desktop
    coordinates (macOS Retina); the capturer scales it to ``rect.size``.
    """

    #: Short name for logs ("mss", "image", "none").
    name = "pixel source"

    def availability_problem(self) -> CaptureError | None:
        """Why this source cannot capture here (a missing library), or None; asking connects to nothing."""
        return None

    @abstractmethod
    def monitors(self) -> list[Rect]:
        """Every monitor in virtual-desktop coordinates, in the system's order (never empty)."""

    @abstractmethod
    def grab(self, rect: Rect) -> Image.Image:
        """The pixels of ``rect`` as an RGB image."""

    def refresh(self) -> None:  # noqa: B027 - nothing cached by default
        """Forget cached monitor geometry (call when monitors are added, removed or moved)."""

    def close(self) -> None:  # noqa: B027 - nothing to release by default
        """Release connections; the source may not be used afterwards."""


class MssPixelSource(PixelSource):
    """Screen pixels and monitors through mss (X11 XShmGetImage, Windows GDI, macOS Quartz).

    An mss instance holds a display connection and must not be shared between threads, and making one
    costs ~25 ms against ~8 ms for a full-screen grab, so each thread keeps its own and reuses it. mss
    reads the monitors once per instance: ``refresh()`` makes every thread start a fresh one. The
    instances of threads that have ended are closed when a new one is made, and all by ``close()``.
    On X11 the display is ``display`` when given, else ``$DISPLAY`` at the time of each capture; a session with
    neither is a problem (asked without connecting), so the null source says so.
    """

    def __init__(self, display: str | None = None) -> None:
        self._display = display
        self._local = threading.local()
        self._lock = threading.Lock()
        self._instances: list[tuple[threading.Thread, MSS]] = []
        self._generation = 0

    name = "mss"

    def availability_problem(self) -> CaptureError | None:
        if importlib.util.find_spec("mss") is None:
            return CaptureError("The screen capture library mss is not installed.", "Install it with: pip install mss")
        if uses_x11():
            try:
                x_display_name(self._display)
            except CaptureError as error:
                return error
        if sys.platform == "darwin":
            from inkscope_desktop.capture.macos_permission import screen_recording_problem

            return screen_recording_problem()
        return None

    def monitors(self) -> list[Rect]:
        mss_monitors = self._with_instance(lambda sct: list(sct.monitors))
        rects = [Rect.from_mss(monitor) for monitor in mss_monitors[1:]]
        rects = [rect for rect in rects if not rect.is_empty]
        return rects or [Rect.from_mss(mss_monitors[0])]

    def grab(self, rect: Rect) -> Image.Image:
        shot = self._with_instance(lambda sct: sct.grab(rect.as_mss()))
        # One pass from mss's BGRX buffer to PIL's RGB; the buffer is not copied first.
        width, height = shot.size
        return Image.frombuffer("RGB", (width, height), shot.raw, "raw", "BGRX", 0, 1)

    def refresh(self) -> None:
        with self._lock:
            self._generation += 1

    def close(self) -> None:
        with self._lock:
            instances, self._instances = self._instances, []
            self._generation += 1
        for _, sct in instances:
            _close_quietly(sct)

    def _with_instance(self, call: Callable[["MSS"], T]) -> T:
        """Run ``call`` with this thread's mss instance; a failure retries once with a fresh instance
        (the X server may have restarted or the monitors changed), then becomes a CaptureError.

        Any exception counts: on a lost X connection mss 10.2 raises ``AssertionError`` as well as
        ``ScreenShotError``."""
        for attempt in range(2):
            sct = self._instance()
            try:
                return call(sct)
            except Exception as error:
                log.info("mss failed (%s); %s", error, "giving up" if attempt else "retrying with a new instance")
                self._discard(sct)
                if attempt:
                    raise CaptureError(f"The screen could not be captured ({_describe(error)}).",
                                       "Try again; if it keeps failing, restart Inkscope Desktop.") from error
        raise AssertionError("unreachable")

    def _instance(self) -> "MSS":
        key = x_display_name(self._display) if uses_x11() else ""
        cached: tuple[str, int, Any] | None = getattr(self._local, "cached", None)
        if cached is not None and cached[0] == key and cached[1] == self._generation:
            return cached[2]
        if cached is not None:
            self._discard(cached[2])
        sct = self._open(key)
        with self._lock:
            ended = [item for item in self._instances if not item[0].is_alive()]
            self._instances = [item for item in self._instances if item[0].is_alive()]
            self._instances.append((threading.current_thread(), sct))
            self._local.cached = (key, self._generation, sct)
        for _, old in ended:  # instances of threads that have ended: nobody can use them any more
            _close_quietly(old)
        return sct

    @staticmethod
    def _open(display: str) -> "MSS":
        import mss

        try:
            return mss.MSS(display=display) if display else mss.MSS()
        except mss.ScreenShotError as error:
            if display:
                raise display_unreachable_error(display) from error
            raise CaptureError(f"The screen cannot be captured here ({_describe(error)}).",
                               "Check that this session has a desktop and may record the screen.") from error

    def _discard(self, sct: "MSS") -> None:
        with self._lock:
            self._instances = [item for item in self._instances if item[1] is not sct]
        cached = getattr(self._local, "cached", None)
        if cached is not None and cached[2] is sct:
            self._local.cached = None
        _close_quietly(sct)


def _describe(error: BaseException) -> str:
    return str(error).strip().rstrip(".") or type(error).__name__


def _close_quietly(sct: "MSS") -> None:
    try:
        sct.close()
    except Exception:
        log.debug("Closing an mss instance failed", exc_info=True)


class NullPixelSource(PixelSource):
    """Ends the list of pixel sources: every capture is the one-line ``reason`` no source could capture."""

    name = "none"

    def __init__(self, reason: CaptureError | None = None) -> None:
        self.reason = reason or CaptureError("The screen cannot be captured on this system.")

    def monitors(self) -> list[Rect]:
        raise self.reason

    def grab(self, rect: Rect) -> Image.Image:
        raise self.reason


def pixel_source_candidates(display: str | None = None) -> list[PixelSource]:
    """The pixel sources in priority order (building one connects to nothing)."""
    return [MssPixelSource(display)]


def create_pixel_source(display: str | None = None, *,
                        candidates: Sequence[PixelSource | Callable[[], PixelSource]] | None = None) -> PixelSource:
    """The first pixel source that can capture here (``candidates``, by default mss), else the null one with the
    reason of the first that cannot."""
    def null(reason: InkscopeError | None) -> PixelSource:
        return NullPixelSource(reason if isinstance(reason, CaptureError) or reason is None
                               else CaptureError(reason.message, reason.advice))

    listed = pixel_source_candidates(display) if candidates is None else candidates
    return first_available(listed, null, kind="pixel source")


class ImagePixelSource(PixelSource):
    """An image standing in for the virtual desktop, for tests and demos.

    ``desktop`` covers the virtual desktop from ``origin`` on; ``monitors`` default to one monitor the
    size of the image. With ``scale`` 2, grabs come back at twice the size, as on a Retina screen.
    """

    name = "image"

    def __init__(self, desktop: Image.Image, monitors: list[Rect] | None = None, origin: tuple[int, int] = (0, 0),
                 scale: int = 1) -> None:
        self._desktop = desktop.convert("RGB")
        self._origin = origin
        self._monitors = list(monitors or [Rect(origin[0], origin[1], *desktop.size)])
        self._scale = scale

    def monitors(self) -> list[Rect]:
        return list(self._monitors)

    def grab(self, rect: Rect) -> Image.Image:
        left, top = rect.x - self._origin[0], rect.y - self._origin[1]
        image = self._desktop.crop((left, top, left + rect.width, top + rect.height))
        if self._scale != 1:
            image = image.resize((rect.width * self._scale, rect.height * self._scale), Image.Resampling.NEAREST)
        return image
