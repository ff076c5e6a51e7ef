"""The window system back-end: which window is active and where the pointer is (X11, Windows, macOS, none)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from inkscope_desktop.capture.geometry import Rect
from inkscope_desktop.core.errors import CaptureError, InkscopeError
from inkscope_desktop.core.plugins import first_available


@dataclass(frozen=True)
class ActiveWindow:
    """The active window's outer rectangle (frame and title bar included) and its title ("" if unknown)."""

    rect: Rect
    title: str = ""


class WindowNotFound(Exception):
    """The active window cannot be captured; ``reason`` completes "…, so the whole screen was captured."."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class WindowSystem(ABC):
    """Asks the platform's window system what it knows that pixels cannot tell.

    ``active_window()`` raises :class:`WindowNotFound` (with a reason a user can hear) where the window
    cannot be known; ``pointer_position()`` returns ``None`` where the pointer cannot be found. Both use
    the same virtual-desktop coordinates as the pixel source.
    """

    #: Short name for logs ("x11", "win32", "quartz", "none").
    name = "window system"

    def availability_problem(self) -> CaptureError | None:
        """Why this back-end cannot run here (another platform, a missing library), or None. Building a back-end
        connects to nothing, so asking is cheap."""
        return None

    @property
    def is_native_here(self) -> bool:
        """Whether this is the platform's own back-end (its problem is then the one worth telling)."""
        return True

    @abstractmethod
    def active_window(self) -> ActiveWindow:
        """The window that has the keyboard focus."""

    @abstractmethod
    def pointer_position(self) -> tuple[int, int] | None:
        """Where the mouse pointer is."""

    def close(self) -> None:  # noqa: B027 - nothing to release by default
        """Release connections."""


class NullWindowSystem(WindowSystem):
    """Knows nothing: where no back-end works, captures fall back to the first screen."""

    name = "none"

    def __init__(self, reason: str = "Active-window capture is not supported on this system") -> None:
        self._reason = reason

    def active_window(self) -> ActiveWindow:
        raise WindowNotFound(self._reason)

    def pointer_position(self) -> tuple[int, int] | None:
        return None


class FakeWindowSystem(WindowSystem):
    """A fixed pointer and active window, for tests and demos; ``window=None`` means none is active."""

    def __init__(self, pointer: tuple[int, int] | None = (0, 0), window: ActiveWindow | None = None) -> None:
        self.pointer = pointer
        self.window = window

    def active_window(self) -> ActiveWindow:
        if self.window is None:
            raise WindowNotFound("No window is active")
        return self.window

    def pointer_position(self) -> tuple[int, int] | None:
        return self.pointer


def window_system_candidates(display: str | None = None) -> list[WindowSystem]:
    """The back-ends in priority order (building one connects to nothing)."""
    from inkscope_desktop.capture.quartz_window_system import QuartzWindowSystem
    from inkscope_desktop.capture.win32_window_system import Win32WindowSystem
    from inkscope_desktop.capture.x11_window_system import X11WindowSystem

    return [X11WindowSystem(display), Win32WindowSystem(), QuartzWindowSystem()]


def create_window_system(display: str | None = None, *,
                         candidates: Sequence[WindowSystem | Callable[[], WindowSystem]] | None = None) -> WindowSystem:
    """The first available back-end of ``candidates`` (by default this platform's, see
    ``window_system_candidates``), ending with the null one, which carries the reason of the first native back-end
    that cannot run (if there is one).

    ``display`` names the X display (X11 only; ``None`` means ``$DISPLAY`` at each call).
    """
    def null(reason: InkscopeError | None) -> WindowSystem:
        return NullWindowSystem(reason.message.rstrip(".")) if reason is not None else NullWindowSystem()

    listed = window_system_candidates(display) if candidates is None else candidates
    return first_available(listed, null, kind="window system", keeps_reason=lambda backend: backend.is_native_here)
