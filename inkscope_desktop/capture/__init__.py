"""Screen capture: the screen under the pointer, a monitor, all monitors, a region or the active window.

No Qt here. ``ScreenCapturer`` joins two small back-end kinds, each answering ``availability_problem()``, picked
by ``core.plugins.first_available`` from a priority list that ends with a null member, and each with a
stand-in for tests: a :class:`PixelSource` (mss, or an image as the desktop) and a
:class:`WindowSystem` (X11/EWMH, Windows user32/dwmapi, macOS Quartz, or none). mss and python-xlib
are imported inside the functions that use them, so importing this package needs no display.
"""

from inkscope_desktop.capture.captured_image import CapturedImage, CaptureSource
from inkscope_desktop.capture.geometry import Rect, monitor_at
from inkscope_desktop.capture.pixel_sources import (
    ImagePixelSource, MssPixelSource, NullPixelSource, PixelSource, create_pixel_source,
)
from inkscope_desktop.capture.screen_capturer import ScreenCapturer, fake_capturer
from inkscope_desktop.capture.window_system import (
    ActiveWindow, FakeWindowSystem, NullWindowSystem, WindowNotFound, WindowSystem, create_window_system,
)

__all__ = [
    "ActiveWindow", "CaptureSource", "CapturedImage", "FakeWindowSystem", "ImagePixelSource", "MssPixelSource",
    "NullPixelSource", "NullWindowSystem", "PixelSource", "Rect", "ScreenCapturer", "WindowNotFound", "WindowSystem",
    "create_pixel_source", "create_window_system", "fake_capturer", "monitor_at",
]
