"""End-to-end fixtures: a private Xvfb (with trayer as the system tray when asked) and the real app, run as
a child process by ``app_probe.py`` and driven from outside with xdotool and ``inkscope-desktop trigger``."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from inkscope_desktop.testing.xserver import XvfbServer

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("app_probe.py")
SCENE = ROOT / "resources" / "examples" / "settings-dialog.png"
NEEDED = ("Xvfb", "xdotool", "trayer")

pytestmark = pytest.mark.skipif(any(shutil.which(tool) is None for tool in NEEDED),
                                reason=f"needs {', '.join(NEEDED)} (scripts/test.sh installs them)")


class Desktop:
    """A private X server, optionally with trayer owning the system-tray selection."""

    def __init__(self, width: int = 1280, height: int = 800) -> None:
        from Xlib import display as xdisplay

        self.server = XvfbServer(width, height).start()
        self.conn = xdisplay.Display(self.server.display)  # keeps the server from resetting between clients
        self.trayer: subprocess.Popen | None = None
        self.window_manager: subprocess.Popen | None = None

    @property
    def display(self) -> str:
        return self.server.display

    def start_tray(self) -> None:
        self.trayer = subprocess.Popen(
            ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request", "--height", "32",
             "--SetDockType", "true", "--transparent", "false"],
            env={**os.environ, "DISPLAY": self.display}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        selection = self.conn.intern_atom("_NET_SYSTEM_TRAY_S0")
        deadline = time.monotonic() + 10
        while self.conn.get_selection_owner(selection) == 0:  # X.NONE
            if time.monotonic() > deadline or self.trayer.poll() is not None:
                raise RuntimeError("trayer did not take the system-tray selection")
            time.sleep(0.02)

    def start_window_manager(self) -> None:
        """openbox, once it manages new windows (it drops map requests made while it starts)."""
        from Xlib import X

        self.window_manager = subprocess.Popen(["openbox", "--sm-disable"], env={**os.environ, "DISPLAY": self.display},
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        root = self.conn.screen().root
        check, extents = self.conn.intern_atom("_NET_SUPPORTING_WM_CHECK"), self.conn.intern_atom("_NET_FRAME_EXTENTS")
        probe = root.create_window(0, 0, 10, 10, 0, self.conn.screen().root_depth, X.InputOutput, X.CopyFromParent)
        deadline = time.monotonic() + 15
        while root.get_full_property(check, X.AnyPropertyType) is None or \
                probe.get_full_property(extents, X.AnyPropertyType) is None:
            if time.monotonic() > deadline or self.window_manager.poll() is not None:
                raise RuntimeError("openbox did not start managing windows")
            probe.map()
            self.conn.sync()
            time.sleep(0.1)
        probe.destroy()
        self.conn.sync()

    def key(self, *keys: str) -> None:
        subprocess.run(["xdotool", "key", *keys], env={**os.environ, "DISPLAY": self.display}, check=True,
                       timeout=10)

    def type(self, text: str) -> None:
        subprocess.run(["xdotool", "type", "--delay", "5", text], env={**os.environ, "DISPLAY": self.display},
                       check=True, timeout=20)

    def close(self) -> None:
        for helper in (self.trayer, self.window_manager):
            if helper is not None:
                helper.terminate()
                helper.wait(10)
        self.conn.close()
        self.server.stop()


class XevWindow:
    """``xev`` logging the key events its focused window gets: the program a user is working in."""

    SENTINEL = "x"

    def __init__(self, desktop: Desktop, name: str = "inkscope-test-xev") -> None:
        self.desktop = desktop
        env = {**os.environ, "DISPLAY": desktop.display}
        self.process = subprocess.Popen(["xev", "-event", "keyboard", "-name", name], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self._keys: queue.Queue[tuple[str, str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        found = subprocess.run(["xdotool", "search", "--sync", "--name", f"^{name}$"], env=env, capture_output=True,
                               text=True, timeout=20, check=True)
        self.window_id = found.stdout.split()[0]
        subprocess.run(["xdotool", "windowactivate", "--sync", self.window_id], env=env, check=True, timeout=20)

    def _read(self) -> None:
        assert self.process.stdout is not None
        kind = ""
        for line in self.process.stdout:
            if line.startswith(("KeyPress event", "KeyRelease event")):
                kind = line.split()[0]
            elif kind and (found := re.search(r"\(keysym 0x[0-9a-f]+, ([^)]+)\)", line)):
                self._keys.put((kind, found.group(1)))
                kind = ""

    def keys_until_sentinel(self, timeout_s: float = 10.0) -> list[tuple[str, str]]:
        """Press the sentinel key; the (KeyPress or KeyRelease, keysym name) xev logged before it. X delivers
        events in order, so a key not logged before the sentinel never reached the window."""
        self.desktop.key(self.SENTINEL)
        logged: list[tuple[str, str]] = []
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                kind, name = self._keys.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise AssertionError(f"xev did not log the sentinel key; it logged {logged}") from None
            if name == self.SENTINEL:
                if kind == "KeyRelease":
                    return logged
                continue
            logged.append((kind, name))

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(10)


class AppRun:
    """The app in a child process; ``wait_for`` reads its probe's JSON events in order. ``root`` runs another
    checkout's app and probe instead of this one's (a benchmark's baseline)."""

    def __init__(self, desktop: Desktop, runtime_dir: Path, *args: str, prefix: Sequence[str] = (),
                 root: Path = ROOT) -> None:
        self.env = {**os.environ, "DISPLAY": desktop.display, "QT_QPA_PLATFORM": "xcb",
                    "INKSCOPE_RUNTIME_DIR": str(runtime_dir), "INKSCOPE_CONFIG_DIR": str(runtime_dir / "config"),
                    "INKSCOPE_DATA_DIR": str(runtime_dir / "data"), "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
        self.env.pop("WAYLAND_DISPLAY", None)
        if root != ROOT:
            self.env["PYTHONPATH"] = str(root)  # its own package, not this checkout's installed one
        self.started_at = time.perf_counter()
        probe = root / PROBE.relative_to(ROOT)
        self.process = subprocess.Popen([*prefix, sys.executable, str(probe), *args], env=self.env, cwd=root,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.events: list[dict[str, Any]] = []
        self._queue: queue.Queue = queue.Queue()
        self.stderr_lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                self._queue.put(json.loads(line))
            except json.JSONDecodeError:
                self.stderr_lines.append(line)
        self._queue.put(None)

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr_lines.append(line)

    def wait_for(self, name: str, check: Callable[[dict[str, Any]], bool] = lambda event: True,
                 timeout_s: float = 60.0, *, seen_before: bool = False) -> dict[str, Any]:
        """The next event called ``name`` that passes ``check`` (or, with ``seen_before``, one already read);
        every event read is kept in ``events``."""
        if seen_before:
            for event in self.events:
                if event["event"] == name and check(event):
                    return event
        deadline = time.monotonic() + timeout_s
        while True:
            remaining = deadline - time.monotonic()
            try:
                event = self._queue.get(timeout=max(remaining, 0.01))
            except queue.Empty:
                event = False
            if event is None or event is False:
                seen = [e["event"] for e in self.events][-30:]
                raise AssertionError(f"No {name!r} event ({'app exited' if event is None else 'timed out'}); "
                                     f"last events {seen}; stderr:\n{''.join(self.stderr_lines[-30:])}")
            self.events.append(event)
            if event["event"] == name and check(event):
                return event

    def drain(self, quiet_s: float = 0.5) -> list[dict[str, Any]]:
        """Events that arrive until none has come for ``quiet_s`` (to check that nothing more happens)."""
        more = []
        while True:
            try:
                event = self._queue.get(timeout=quiet_s)
            except queue.Empty:
                return more
            if event is None:
                return more
            self.events.append(event)
            more.append(event)

    def trigger(self, action: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "inkscope_desktop", "trigger", action], env=self.env,
                              capture_output=True, text=True, timeout=30)

    def stop(self, timeout_s: float = 20.0) -> int:
        """SIGTERM, as a session logout sends; the app must quit cleanly (exit 0) within ``timeout_s``."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
            raise AssertionError("The app did not quit within 20 s of SIGTERM") from None


@pytest.fixture
def desktop() -> Iterator[Desktop]:
    desk = Desktop()
    try:
        yield desk
    finally:
        desk.close()


@pytest.fixture
def launch(desktop: Desktop, tmp_path: Path) -> Iterator[Callable[..., AppRun]]:
    runs: list[AppRun] = []
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)

    def start(*args: str) -> AppRun:
        run = AppRun(desktop, runtime, "--scene", str(SCENE), *args)
        runs.append(run)
        return run

    yield start
    for run in runs:
        if run.process.poll() is None:
            run.process.kill()
            run.process.wait(10)


@pytest.fixture
def xev(desktop: Desktop) -> Iterator[Callable[[], XevWindow]]:
    """openbox on the desktop, and a function that starts xev and focuses its window."""
    desktop.start_window_manager()
    made: list[XevWindow] = []

    def focus() -> XevWindow:
        window = XevWindow(desktop)
        made.append(window)
        return window

    yield focus
    for window in made:
        window.close()
