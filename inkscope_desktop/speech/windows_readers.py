"""Which screen readers run on Windows, probed in microseconds with three user32 calls (Windows only).

- NVDA: its hidden main window, class ``wxWindowClassNR`` titled ``NVDA`` (what NVDA's own
  ``nvda_eoaProxy.pyw`` looks for); it tells that NVDA runs even when its controller client DLL is missing.
- JAWS: its window of class ``JFWUI2`` (how Tolk and other JAWS clients find it).
- Any screen reader, Narrator included: ``SystemParametersInfo(SPI_GETSCREENREADER)``, the flag screen readers
  set while they run (Microsoft's documentation of SPI_GETSCREENREADER).

``ReaderProbe`` is the seam: ``User32ReaderProbe`` on Windows, doubles in tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

SPI_GETSCREENREADER = 0x0046
NVDA_WINDOW = ("wxWindowClassNR", "NVDA")
JAWS_WINDOW_CLASS = "JFWUI2"


class ReaderProbe(Protocol):
    def has_window(self, class_name: str, title: str | None) -> bool:
        """FindWindowW(class_name, title) found a window."""

    def screen_reader_flag(self) -> bool:
        """SystemParametersInfoW(SPI_GETSCREENREADER) says a screen reader runs."""


@dataclass(frozen=True)
class WindowsReaders:
    """What runs now. ``any_reader`` is the system flag; NVDA and JAWS set it too, Narrator only sets it."""

    nvda: bool = False
    jaws: bool = False
    any_reader: bool = False

    @property
    def runs_a_reader(self) -> bool:
        return self.nvda or self.jaws or self.any_reader


def probe_windows_readers(probe: ReaderProbe) -> WindowsReaders:
    return WindowsReaders(nvda=probe.has_window(*NVDA_WINDOW), jaws=probe.has_window(JAWS_WINDOW_CLASS, None),
                          any_reader=probe.screen_reader_flag())


class User32ReaderProbe:
    """``ReaderProbe`` through ctypes and user32 (not run by this project's CI, which has no Windows)."""

    def __init__(self) -> None:
        import ctypes
        from ctypes import wintypes

        self._ctypes = ctypes
        self._user32: Any = ctypes.WinDLL("user32")  # type: ignore[attr-defined]
        self._user32.FindWindowW.argtypes = [wintypes.LPCWSTR, wintypes.LPCWSTR]
        self._user32.FindWindowW.restype = wintypes.HWND
        self._user32.SystemParametersInfoW.argtypes = [wintypes.UINT, wintypes.UINT, wintypes.LPVOID,
                                                       wintypes.UINT]
        self._user32.SystemParametersInfoW.restype = wintypes.BOOL
        self._bool = wintypes.BOOL

    def has_window(self, class_name: str, title: str | None) -> bool:
        return bool(self._user32.FindWindowW(class_name, title))

    def screen_reader_flag(self) -> bool:
        flag = self._bool(False)
        if not self._user32.SystemParametersInfoW(SPI_GETSCREENREADER, 0, self._ctypes.byref(flag), 0):
            return False
        return bool(flag.value)
