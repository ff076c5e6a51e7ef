"""An X11 scene with known pixels for capture tests and the capture benchmark.

Windows whose background is a pixmap of known pixels (the server repaints them by itself after any
exposure), a known root colour, RandR 1.5 monitors defined on a wide screen, fake EWMH properties for
tests without a window manager, and openbox as a real EWMH window manager.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from Xlib import X, Xatom, Xutil, display
from Xlib.protocol import rq

from inkscope_desktop.capture import Rect
from inkscope_desktop.testing.xserver import XvfbServer

ROOT_RGB = (32, 48, 64)


def start_xvfb(width: int, height: int) -> Iterator[XvfbServer]:
    """A private Xvfb for a fixture; the test is skipped (with the reason) where Xvfb is not installed."""
    if not XvfbServer.is_available():
        pytest.skip("Xvfb is not installed (Debian/Ubuntu: apt-get install xvfb)")
    with XvfbServer(width, height) as server:
        yield server


def wait_until(predicate: Callable[[], Any], timeout_s: float = 10.0, what: str = "the X server") -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.01)
    raise TimeoutError(f"Timed out waiting for {what}")


def pattern(width: int, height: int, seed: int) -> np.ndarray:
    """Seeded noise under a few solid blocks: every pixel known, no two windows alike."""
    pixels = np.random.default_rng(seed).integers(0, 256, size=(height, width, 3), dtype=np.uint8)
    for index, colour in enumerate([(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)]):
        x, y = (index * width) // 4, (index * height) // 4
        pixels[y:y + height // 8, x:x + width // 8] = colour
    return pixels


def set_root_colour(conn: display.Display, rgb: tuple[int, int, int] = ROOT_RGB) -> None:
    root = conn.screen().root
    root.change_attributes(background_pixel=_pixel(rgb))
    root.clear_area()
    conn.sync()


@dataclass
class PatternWindow:
    """A top-level window showing ``pixels`` (height x width x RGB) at the client position ``rect``."""

    window: Any
    rect: Rect
    pixels: np.ndarray

    @classmethod
    def create(cls, conn: display.Display, rect: Rect, pixels: np.ndarray, title: str = "",
               net_wm_name: bool = True) -> "PatternWindow":
        screen = conn.screen()
        pixmap = screen.root.create_pixmap(rect.width, rect.height, screen.root_depth)
        gc = pixmap.create_gc()
        _put_pixels(conn, pixmap, gc, pixels)
        window = screen.root.create_window(rect.x, rect.y, rect.width, rect.height, 0, screen.root_depth,
                                           X.InputOutput, X.CopyFromParent, background_pixmap=pixmap)
        if title:
            if net_wm_name:
                window.change_property(conn.intern_atom("_NET_WM_NAME"), conn.intern_atom("UTF8_STRING"), 8,
                                       title.encode())
            window.change_property(Xatom.WM_NAME, Xatom.STRING, 8, title.encode("latin-1", "replace"))
        window.set_wm_normal_hints(flags=Xutil.USPosition | Xutil.USSize, x=rect.x, y=rect.y,
                                   width=rect.width, height=rect.height)
        window.map()
        conn.sync()
        wait_until(lambda: window.get_attributes().map_state == X.IsViewable, what="the window to be mapped")
        return cls(window, rect, pixels)

    def destroy(self, conn: display.Display) -> None:
        self.window.destroy()
        conn.sync()


def expected_screen(width: int, height: int, windows: list[PatternWindow],
                    root_rgb: tuple[int, int, int] = ROOT_RGB) -> np.ndarray:
    """What the screen shows without a window manager: the root colour under the windows, later on top."""
    screen = np.empty((height, width, 3), dtype=np.uint8)
    screen[:] = root_rgb
    for item in windows:
        r = item.rect
        screen[r.y:r.bottom, r.x:r.right] = item.pixels
    return screen


def set_fake_active_window(conn: display.Display, window: Any | None,
                           frame_extents: tuple[int, int, int, int] | None = None,
                           gtk_extents: tuple[int, int, int, int] | None = None) -> None:
    """Publish EWMH as a window manager would: ``_NET_ACTIVE_WINDOW`` on the root (None removes it) and
    the extents (left, right, top, bottom) on the window."""
    root = conn.screen().root
    active = conn.intern_atom("_NET_ACTIVE_WINDOW")
    if window is None:
        root.delete_property(active)
    else:
        root.change_property(active, Xatom.WINDOW, 32, [window.id])
        for name, extents in (("_NET_FRAME_EXTENTS", frame_extents), ("_GTK_FRAME_EXTENTS", gtk_extents)):
            if extents is None:
                window.delete_property(conn.intern_atom(name))
            else:
                window.change_property(conn.intern_atom(name), Xatom.CARDINAL, 32, list(extents))
    conn.sync()


class _SetMonitor(rq.Request):
    """RRSetMonitor with the monitor's fields inline (python-xlib 0.33 cannot pack its own version)."""

    _request = rq.Struct(
        rq.Card8("opcode"), rq.Opcode(43), rq.RequestLength(), rq.Window("window"),
        rq.Card32("name"), rq.Bool("primary"), rq.Bool("automatic"), rq.LengthOf("outputs", 2),
        rq.Int16("x"), rq.Int16("y"), rq.Card16("width"), rq.Card16("height"),
        rq.Card32("width_mm"), rq.Card32("height_mm"), rq.List("outputs", rq.Card32Obj),
    )


def set_monitors(conn: display.Display, monitors: list[Rect]) -> None:
    """Define RandR 1.5 monitors on Xvfb's one screen (as ``xrandr --setmonitor`` does); the first takes
    Xvfb's only output, so the automatic monitor for that output goes away."""
    root = conn.screen().root
    output = root.xrandr_get_screen_resources().outputs[0]
    for index, rect in enumerate(monitors):
        _SetMonitor(display=conn.display, opcode=conn.display.get_extension_major("RANDR"), window=root,
                    name=conn.intern_atom(f"TEST-{index + 1}"), primary=index == 0, automatic=False,
                    x=rect.x, y=rect.y, width=rect.width, height=rect.height,
                    width_mm=rect.width // 4, height_mm=rect.height // 4, outputs=[output] if index == 0 else [])
    conn.sync()


def has_openbox() -> bool:
    return shutil.which("openbox") is not None


def start_openbox(conn: display.Display, env: dict[str, str]) -> subprocess.Popen:
    """Start openbox and return once it manages new windows (it drops map requests made while it starts,
    so a probe window is mapped until openbox frames it)."""
    process = subprocess.Popen(["openbox", "--sm-disable"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    root = conn.screen().root
    check = conn.intern_atom("_NET_SUPPORTING_WM_CHECK")
    wait_until(lambda: root.get_full_property(check, X.AnyPropertyType), what="openbox to start")
    probe = root.create_window(0, 0, 10, 10, 0, conn.screen().root_depth, X.InputOutput, X.CopyFromParent)
    extents = conn.intern_atom("_NET_FRAME_EXTENTS")
    deadline = time.monotonic() + 15
    while probe.get_full_property(extents, Xatom.CARDINAL) is None:
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise TimeoutError("openbox did not start managing windows")
        probe.map()
        conn.sync()
        time.sleep(0.2)
    probe.destroy()
    conn.sync()
    return process


def active_window_id(conn: display.Display) -> int:
    prop = conn.screen().root.get_full_property(conn.intern_atom("_NET_ACTIVE_WINDOW"), Xatom.WINDOW)
    return int(prop.value[0]) if prop is not None and len(prop.value) else 0


def frame_rect(conn: display.Display, window: Any) -> Rect:
    """The outer rectangle of the window manager's frame around ``window`` (the root's child holding it)."""
    root = conn.screen().root
    frame = window
    while (parent := frame.query_tree().parent).id != root.id:
        frame = parent
    geometry = frame.get_geometry()
    border = geometry.border_width
    return Rect(geometry.x, geometry.y, geometry.width + 2 * border, geometry.height + 2 * border)


def move_pointer(conn: display.Display, x: int, y: int) -> None:
    """Move the pointer with xdotool and wait until the server has it there (``--sync`` hangs when the
    pointer is already in place)."""
    env = {**os.environ, "DISPLAY": conn.get_display_name()}
    subprocess.run(["xdotool", "mousemove", str(x), str(y)], env=env, check=True, timeout=10)
    root = conn.screen().root
    wait_until(lambda: (root.query_pointer().root_x, root.query_pointer().root_y) == (x, y), what="the pointer")


def _pixel(rgb: tuple[int, int, int]) -> int:
    return (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]


def _put_pixels(conn: display.Display, drawable: Any, gc: Any, pixels: np.ndarray) -> None:
    """PutImage in strips small enough for one request (24-bit depth, 32 bits per pixel, BGRX)."""
    height, width, _ = pixels.shape
    bgrx = np.zeros((height, width, 4), dtype=np.uint8)
    bgrx[..., 0], bgrx[..., 1], bgrx[..., 2] = pixels[..., 2], pixels[..., 1], pixels[..., 0]
    rows = max(1, (conn.display.info.max_request_length * 4 - 64) // (width * 4))
    for top in range(0, height, rows):
        strip = bgrx[top:top + rows]
        drawable.put_image(gc, 0, top, width, strip.shape[0], X.ZPixmap, conn.screen().root_depth, 0,
                           strip.tobytes())
    conn.sync()
