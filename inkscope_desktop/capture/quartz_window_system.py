"""The macOS window system back-end: the frontmost window and the pointer, through Quartz via ctypes."""

from __future__ import annotations

import ctypes
import math
import sys
from ctypes import util
from typing import Any

from inkscope_desktop.capture.geometry import Rect
from inkscope_desktop.capture.window_system import ActiveWindow, WindowNotFound, WindowSystem
from inkscope_desktop.core.errors import CaptureError

ON_SCREEN_ONLY = 1 << 0  # kCGWindowListOptionOnScreenOnly
EXCLUDE_DESKTOP_ELEMENTS = 1 << 4  # kCGWindowListExcludeDesktopElements
CF_NUMBER_SINT64 = 4  # kCFNumberSInt64Type
CF_STRING_UTF8 = 0x08000100  # kCFStringEncodingUTF8
FRAMEWORKS = "/System/Library/Frameworks"


class CGPoint(ctypes.Structure):
    _fields_ = (("x", ctypes.c_double), ("y", ctypes.c_double))


class CGSize(ctypes.Structure):
    _fields_ = (("width", ctypes.c_double), ("height", ctypes.c_double))


class CGRect(ctypes.Structure):
    _fields_ = (("origin", CGPoint), ("size", CGSize))


class QuartzWindowSystem(WindowSystem):
    """The active window is the frontmost normal (layer 0) on-screen window of the frontmost app, from
    ``CGWindowListCopyWindowInfo`` (front to back) and ``NSWorkspace.frontmostApplication``; the pointer
    is ``CGEventGetLocation``. Coordinates are points with the origin at the main display's top-left,
    as mss reports monitors. Window titles need the Screen Recording permission (which capturing needs
    anyway); without it the app's name stands in. ``frontmostApplication`` is kept up to date by the main
    thread's run loop, which the Qt app runs.
    """

    def __init__(self) -> None:
        self._api: Any = None
        self._objc: Any = None

    name = "quartz"

    def availability_problem(self) -> CaptureError | None:
        return None if sys.platform == "darwin" else CaptureError("This is not macOS.")

    @property
    def is_native_here(self) -> bool:
        return sys.platform == "darwin"

    def active_window(self) -> ActiveWindow:
        cg, cf, keys = self._load()
        front_pid = self._frontmost_pid()
        array = cg.CGWindowListCopyWindowInfo(ON_SCREEN_ONLY | EXCLUDE_DESKTOP_ELEMENTS, 0)
        if not array:
            raise WindowNotFound("The list of windows is not available")
        windows = []
        try:
            for index in range(cf.CFArrayGetCount(array)):
                info = cf.CFArrayGetValueAtIndex(array, index)
                if _number(cf, info, keys["layer"]) != 0:
                    continue  # menu bar, Dock, overlays
                bounds = CGRect()
                value = cf.CFDictionaryGetValue(info, keys["bounds"])
                if not value or not cg.CGRectMakeWithDictionaryRepresentation(value, ctypes.byref(bounds)):
                    continue
                rect = Rect.from_corners(math.floor(bounds.origin.x), math.floor(bounds.origin.y),
                                         math.ceil(bounds.origin.x + bounds.size.width),
                                         math.ceil(bounds.origin.y + bounds.size.height))
                if rect.is_empty:
                    continue
                title = _string(cf, info, keys["name"]) or _string(cf, info, keys["owner"])
                windows.append((_number(cf, info, keys["pid"]), rect, title))
        finally:
            cf.CFRelease(array)
        if front_pid is not None:
            windows = [window for window in windows if window[0] == front_pid]
            if not windows:
                raise WindowNotFound("The active app has no window on the screen")
        if not windows:
            raise WindowNotFound("No window is active")
        _, rect, title = windows[0]
        return ActiveWindow(rect, title)

    def pointer_position(self) -> tuple[int, int] | None:
        cg, cf, _ = self._load()
        event = cg.CGEventCreate(None)
        if not event:
            return None
        try:
            point = cg.CGEventGetLocation(event)
        finally:
            cf.CFRelease(event)
        return math.floor(point.x), math.floor(point.y)

    def _frontmost_pid(self) -> int | None:
        """``[[NSWorkspace sharedWorkspace] frontmostApplication].processIdentifier``, or None."""
        runtime = self._load_objc()
        if runtime is None:
            return None
        objc, send_object, send_int = runtime
        pool = objc.objc_autoreleasePoolPush()
        try:
            workspace = send_object(objc.objc_getClass(b"NSWorkspace"), objc.sel_registerName(b"sharedWorkspace"))
            app = send_object(workspace, objc.sel_registerName(b"frontmostApplication")) if workspace else None
            return int(send_int(app, objc.sel_registerName(b"processIdentifier"))) if app else None
        finally:
            objc.objc_autoreleasePoolPop(pool)

    def _load_objc(self) -> Any:
        """The Objective-C runtime with AppKit loaded, and ``objc_msgSend`` typed for object and int
        results (on arm64 it must be called through the exact prototype); None where it cannot load."""
        if self._objc is None:
            try:
                objc = ctypes.cdll.LoadLibrary(util.find_library("objc") or "/usr/lib/libobjc.dylib")
                ctypes.cdll.LoadLibrary(f"{FRAMEWORKS}/AppKit.framework/AppKit")  # defines NSWorkspace
            except OSError:
                self._objc = False
                return None
            objc.objc_getClass.argtypes = objc.sel_registerName.argtypes = [ctypes.c_char_p]
            objc.objc_getClass.restype = objc.sel_registerName.restype = ctypes.c_void_p
            objc.objc_autoreleasePoolPush.restype = ctypes.c_void_p
            objc.objc_autoreleasePoolPop.argtypes = [ctypes.c_void_p]
            address = ctypes.cast(objc.objc_msgSend, ctypes.c_void_p).value
            if address is None:
                self._objc = False
                return None
            send_object = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)(address)
            send_int = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p)(address)
            self._objc = (objc, send_object, send_int)
        return self._objc or None

    def _load(self) -> Any:
        """CoreGraphics and CoreFoundation with their signatures, and the window-info keys, on first use."""
        if self._api is None:
            cg = ctypes.cdll.LoadLibrary(util.find_library("CoreGraphics")
                                         or f"{FRAMEWORKS}/CoreGraphics.framework/CoreGraphics")
            cf = ctypes.cdll.LoadLibrary(util.find_library("CoreFoundation")
                                         or f"{FRAMEWORKS}/CoreFoundation.framework/CoreFoundation")
            ref, index = ctypes.c_void_p, ctypes.c_long
            for library, name, argtypes, restype in (
                (cg, "CGWindowListCopyWindowInfo", [ctypes.c_uint32, ctypes.c_uint32], ref),
                (cg, "CGRectMakeWithDictionaryRepresentation", [ref, ctypes.POINTER(CGRect)], ctypes.c_bool),
                (cg, "CGEventCreate", [ref], ref),
                (cg, "CGEventGetLocation", [ref], CGPoint),
                (cf, "CFArrayGetCount", [ref], index),
                (cf, "CFArrayGetValueAtIndex", [ref, index], ref),
                (cf, "CFDictionaryGetValue", [ref, ref], ref),
                (cf, "CFNumberGetValue", [ref, ctypes.c_int, ref], ctypes.c_bool),
                (cf, "CFStringGetLength", [ref], index),
                (cf, "CFStringGetMaximumSizeForEncoding", [index, ctypes.c_uint32], index),
                (cf, "CFStringGetCString", [ref, ctypes.c_char_p, index, ctypes.c_uint32], ctypes.c_bool),
                (cf, "CFRelease", [ref], None),
            ):
                function = getattr(library, name)
                function.argtypes, function.restype = argtypes, restype
            keys = {key: ctypes.c_void_p.in_dll(cg, symbol).value for key, symbol in (
                ("layer", "kCGWindowLayer"), ("bounds", "kCGWindowBounds"), ("name", "kCGWindowName"),
                ("owner", "kCGWindowOwnerName"), ("pid", "kCGWindowOwnerPID"))}
            self._api = (cg, cf, keys)
        return self._api


def _number(cf: Any, info: int, key: int) -> int | None:
    value = cf.CFDictionaryGetValue(info, key)
    number = ctypes.c_int64()
    if not value or not cf.CFNumberGetValue(value, CF_NUMBER_SINT64, ctypes.byref(number)):
        return None
    return int(number.value)


def _string(cf: Any, info: int, key: int) -> str:
    value = cf.CFDictionaryGetValue(info, key)
    if not value:
        return ""
    size = cf.CFStringGetMaximumSizeForEncoding(cf.CFStringGetLength(value), CF_STRING_UTF8) + 1
    buffer = ctypes.create_string_buffer(size)
    if not cf.CFStringGetCString(value, buffer, size, CF_STRING_UTF8):
        return ""
    return " ".join(buffer.value.decode("utf-8", "replace").split())
