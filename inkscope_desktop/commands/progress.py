"""Progress lines on standard error: model downloads in bytes, folders in images."""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import TextIO


log = logging.getLogger(__name__)


def format_bytes(count: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000
    raise AssertionError("unreachable")


_showing: ProgressLine | None = None  # the line drawn on the terminal now, if any


def end_progress_line() -> None:
    """End a half-drawn progress line, so the next message starts on a line of its own (not "(68%)error: …")."""
    line = _showing
    if line is not None:
        line.break_line()


class ProgressLine:
    """One self-overwriting status line on a terminal; occasional plain lines elsewhere (logs, CI).

    Safe to call from a download thread. ``update`` is throttled; ``finish`` ends the line.
    """

    def __init__(self, stream: TextIO | None = None, *, interval_s: float = 0.1) -> None:
        self._stream = stream or sys.stderr
        self._is_tty = self._stream.isatty()
        self._interval_s = interval_s if self._is_tty else 5.0
        self._last_at = 0.0
        self._lock = threading.Lock()
        self._width = 0

    def update(self, text: str, *, force: bool = False) -> None:
        with self._lock:
            now = time.monotonic()
            if not force and now - self._last_at < self._interval_s:
                return
            self._last_at = now
            if self._is_tty:
                global _showing
                padding = " " * max(0, self._width - len(text))
                self._stream.write(f"\r{text}{padding}")
                self._width = len(text)
                _showing = self
            else:
                self._stream.write(text + "\n")
            self._stream.flush()

    def break_line(self) -> None:
        """Leave the text drawn so far and go to a new line (a message is about to be printed)."""
        global _showing
        with self._lock:
            if self._is_tty and self._width:
                self._stream.write("\n")
                self._stream.flush()
            self._width = 0
            if _showing is self:
                _showing = None

    def finish(self, text: str = "") -> None:
        global _showing
        with self._lock:
            if _showing is self:
                _showing = None
            if self._is_tty and self._width:
                self._stream.write("\r" + " " * self._width + "\r")
            if text:
                self._stream.write(text + "\n")
            self._stream.flush()
            self._width = 0


def download_progress(line: ProgressLine, label: str = "Downloading the model"):
    """A (done, total) byte callback that draws on ``line``, and logs each tenth (seen with -v)."""
    logged = [-1]

    def report(done: int, total: int) -> None:
        if total > 0 and 10 * done // total > logged[0]:
            logged[0] = 10 * done // total
            log.info("%s: %s of %s", label, format_bytes(done), format_bytes(total))
        if total > 0:
            percent = 100 * done / total
            line.update(f"{label}: {format_bytes(done)} of {format_bytes(total)} ({percent:.0f}%)",
                        force=done >= total)
        else:
            line.update(f"{label}: {format_bytes(done)}")

    return report
