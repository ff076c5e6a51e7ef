"""The user32 calls of the Windows hotkey loop, through ctypes (Windows only; not run by this project's CI)."""

from __future__ import annotations

from typing import Any

PM_NOREMOVE = 0x0000


class User32HotkeyApi:
    """``Win32HotkeyApi`` on real Windows: RegisterHotKey with no window, so WM_HOTKEY reaches the thread."""

    def __init__(self) -> None:
        import ctypes
        from ctypes import wintypes

        self._ctypes = ctypes
        self._user32: Any = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
        self._kernel32: Any = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined]
        self._msg = wintypes.MSG()
        user32 = self._user32
        user32.RegisterHotKey.argtypes = [wintypes.HWND, ctypes.c_int, wintypes.UINT, wintypes.UINT]
        user32.RegisterHotKey.restype = wintypes.BOOL
        user32.UnregisterHotKey.argtypes = [wintypes.HWND, ctypes.c_int]
        user32.UnregisterHotKey.restype = wintypes.BOOL
        user32.GetMessageW.argtypes = [ctypes.POINTER(wintypes.MSG), wintypes.HWND, wintypes.UINT, wintypes.UINT]
        user32.GetMessageW.restype = wintypes.BOOL
        user32.PeekMessageW.argtypes = [ctypes.POINTER(wintypes.MSG), wintypes.HWND, wintypes.UINT, wintypes.UINT,
                                        wintypes.UINT]
        user32.PeekMessageW.restype = wintypes.BOOL
        user32.PostThreadMessageW.argtypes = [wintypes.DWORD, wintypes.UINT, wintypes.WPARAM, wintypes.LPARAM]
        user32.PostThreadMessageW.restype = wintypes.BOOL
        self._kernel32.GetCurrentThreadId.restype = wintypes.DWORD

    def prepare_queue(self) -> int:
        """A PeekMessage call creates the thread's message queue, so PostThreadMessage can reach it."""
        self._user32.PeekMessageW(self._ctypes.byref(self._msg), None, 0, 0, PM_NOREMOVE)
        return int(self._kernel32.GetCurrentThreadId())

    def register(self, hotkey_id: int, modifiers: int, vk: int) -> int:
        if self._user32.RegisterHotKey(None, hotkey_id, modifiers, vk):
            return 0
        return self._ctypes.get_last_error() or -1  # type: ignore[attr-defined]

    def unregister(self, hotkey_id: int) -> None:
        self._user32.UnregisterHotKey(None, hotkey_id)

    def next_message(self) -> tuple[int, int] | None:
        result = self._user32.GetMessageW(self._ctypes.byref(self._msg), None, 0, 0)
        if result in (0, -1):  # WM_QUIT, or an error
            return None
        return int(self._msg.message), int(self._msg.wParam)

    def post(self, thread_id: int, message: int, wparam: int = 0) -> None:
        self._user32.PostThreadMessageW(thread_id, message, wparam, 0)
