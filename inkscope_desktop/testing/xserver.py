"""A private Xvfb X server for tests and benchmarks that need a real display (capture, hotkeys, Qt)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path


class XvfbServer:
    """Starts ``Xvfb`` on a free display number with one screen of ``width`` x ``height``.

    Use as a context manager; ``display`` is the DISPLAY value (":42"), ``env()`` an environment that
    points at it. Nothing global is changed: callers set DISPLAY themselves where they need it.
    """

    def __init__(self, width: int = 1920, height: int = 1080, depth: int = 24) -> None:
        self.width, self.height, self.depth = width, height, depth
        self.display = ""
        self._process: subprocess.Popen | None = None

    @staticmethod
    def is_available() -> bool:
        return shutil.which("Xvfb") is not None

    def start(self, timeout_s: float = 10.0) -> "XvfbServer":
        if not self.is_available():
            raise RuntimeError("Xvfb is not installed (Debian/Ubuntu: apt-get install xvfb).")
        for number in range(90, 200):
            if Path(f"/tmp/.X{number}-lock").exists() or Path(f"/tmp/.X11-unix/X{number}").exists():
                continue
            self._process = subprocess.Popen(
                ["Xvfb", f":{number}", "-screen", "0", f"{self.width}x{self.height}x{self.depth}",
                 "-nolisten", "tcp", "+extension", "RANDR"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.display = f":{number}"
            if self._wait_ready(number, timeout_s):
                return self
            self.stop()
        raise RuntimeError("Could not start Xvfb on any display number from :90 to :199.")

    def _wait_ready(self, number: int, timeout_s: float) -> bool:
        socket = Path(f"/tmp/.X11-unix/X{number}")
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                return False
            if socket.exists():
                return True
            time.sleep(0.02)
        return False

    def env(self) -> dict[str, str]:
        return {**os.environ, "DISPLAY": self.display}

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def __enter__(self) -> "XvfbServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
