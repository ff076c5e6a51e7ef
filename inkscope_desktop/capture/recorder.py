"""The screen recorder: keeps the last seconds of the screen as small frames in memory, on a thread of its own."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable

from PIL import Image

from inkscope_desktop.core.errors import CaptureError
from inkscope_desktop.core.images import shrink_to_pixels

log = logging.getLogger(__name__)

#: Bytes a frame pixel takes in memory (RGB).
BYTES_PER_PIXEL = 3


class ScreenRecorder:
    """Calls ``grab()`` ``fps`` times a second on its own thread and keeps the frames of the last ``seconds``.

    Each frame is shrunk to at most ``max_pixels`` as soon as it is taken and kept in a deque of
    ``max_frames = ceil(seconds * fps)`` entries, so the frames never take more than ``max_bytes`` =
    ``max_frames * max_pixels * 3`` bytes (RGB); the defaults (2 fps, 10 s, 151,200 pixels, about 518x291 for
    a 16:9 screen) hold 20 frames in at most 9,072,000 bytes (8.7 MiB). Nothing is ever written to disk.

    ``grab`` is called on the recorder's thread only (a ``ScreenCapturer`` keeps a display connection per
    thread). A failed grab (no display, a locked screen) is logged, kept in ``error`` and tried again at the
    next tick. ``stop()`` ends the thread and joins it; a stopped recorder may be started again.
    """

    def __init__(self, grab: Callable[[], Image.Image], *, fps: float = 2.0, seconds: float = 10.0,
                 max_pixels: int = 360 * 420) -> None:
        if fps <= 0 or seconds <= 0 or max_pixels <= 0:
            raise ValueError("fps, seconds and max_pixels must be positive")
        self._grab = grab
        self.fps = fps
        self.seconds = seconds
        self.max_pixels = max_pixels
        self._frames: deque[tuple[float, Image.Image]] = deque(maxlen=max(2, math.ceil(seconds * fps - 1e-9)))
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: CaptureError | None = None

    @property
    def max_frames(self) -> int:
        """How many frames the recorder keeps at most (the deque's ``maxlen``)."""
        return self._frames.maxlen or 0

    @property
    def max_bytes(self) -> int:
        """The most memory the kept frames take: ``max_frames * max_pixels * 3``."""
        return self.max_frames * self.max_pixels * BYTES_PER_PIXEL

    @property
    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start recording (nothing happens if it runs already); the frames kept so far stay."""
        if self.is_running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="inkscope-screen-recorder", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop recording and wait for the thread to end (a grab in progress finishes first)."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout_s)
            if thread.is_alive():
                log.warning("The screen recorder did not stop within %.1f s", timeout_s)

    def frames(self) -> list[Image.Image]:
        """The kept frames, oldest first (a copy of the list; the images are not copied)."""
        with self._lock:
            return [frame for _, frame in self._frames]

    def timestamps(self) -> list[float]:
        """When each kept frame was taken (``time.monotonic()`` seconds), oldest first."""
        with self._lock:
            return [taken for taken, _ in self._frames]

    def clear(self) -> None:
        """Forget every kept frame (the memory is freed once nobody else holds them)."""
        with self._lock:
            self._frames.clear()

    def _run(self) -> None:
        period = 1.0 / self.fps
        next_at = time.monotonic()
        while not self._stop.is_set():
            self._take_frame()
            next_at += period
            delay = next_at - time.monotonic()
            if delay < 0:  # a slow grab: start counting again from now rather than catch up in a burst
                next_at, delay = time.monotonic(), 0.0
            self._stop.wait(delay)

    def _take_frame(self) -> None:
        try:
            image = self._grab()
        except CaptureError as error:
            if self.error is None or self.error.user_text != error.user_text:
                log.info("Screen recording: %s", error.user_text)
            self.error = error
            return
        frame = shrink(image, self.max_pixels)
        with self._lock:
            self._frames.append((time.monotonic(), frame))
        self.error = None


def shrink(image: Image.Image, max_pixels: int) -> Image.Image:
    """A grabbed frame as RGB, at most ``max_pixels`` pixels (aspect kept; a small one is kept as it is)."""
    return shrink_to_pixels(image, max_pixels, fast=True)
