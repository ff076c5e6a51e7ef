"""Capture latency on a private 1920x1080 Xvfb: the screen, an 800x600 region and the active window.

Each figure includes the conversion to an RGB PIL image, i.e. what the app waits for between a hotkey
and having an image for the engine. A pattern window is shown and made active (under openbox when it
is installed, else through EWMH properties set by hand). Prints median and p90 over ``--runs`` runs
after a few warm-up captures, plus the first capture of a fresh capturer (it opens its display
connections; the libraries are already loaded), with and without ``ScreenCapturer.warm_up()``. Target: ≤ 30 ms.

    python benchmarks/capture.py [--runs 100]

The table is built from rows; ``hotkey_latency_rows()`` is where the hotkey-to-action rows go.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "capture"))  # capture_scene: the test scene of known pixels

CAPTURE_TARGET_MS = 30.0
WARM_UP_RUNS = 3
FIRST_CAPTURE_RUNS = 10


@dataclass
class Row:
    """One line of the table: a name, its samples in milliseconds, and the target they should meet."""

    name: str
    samples_ms: list[float]
    target_ms: float | None = None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p90_ms(self) -> float:
        if len(self.samples_ms) < 2:
            return self.samples_ms[0]
        return statistics.quantiles(self.samples_ms, n=10, method="inclusive")[-1]


def timed(call: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def capture_latency_rows(display: str, runs: int) -> list[Row]:
    """Capture latency rows on ``display``: first captures of fresh capturers, then the steady state."""
    from inkscope_desktop.capture import CaptureSource, Rect, ScreenCapturer

    cold, warmed_up = [], []
    for _ in range(FIRST_CAPTURE_RUNS):
        with ScreenCapturer(display=display) as capturer:
            cold += timed(capturer.capture_screen, 1)
        with ScreenCapturer(display=display) as capturer:
            capturer.warm_up()
            warmed_up += timed(capturer.capture_screen, 1)
    rows = [Row("First screen capture of a new capturer", cold),
            Row("First screen capture after warm_up()", warmed_up, CAPTURE_TARGET_MS)]

    with ScreenCapturer(display=display) as capturer:
        window = capturer.capture_active_window()
        if window.source is not CaptureSource.WINDOW:
            raise SystemExit(f"The active window was not found: {window.notice}")
        cases = [
            ("Screen under the pointer (1920x1080)", capturer.capture_screen),
            ("Region 800x600", lambda: capturer.capture_region(Rect(200, 150, 800, 600))),
            (f"Active window ({window.rect.width}x{window.rect.height})", capturer.capture_active_window),
            ("All monitors (1920x1080)", capturer.capture_all_monitors),
        ]
        for name, call in cases:
            timed(call, WARM_UP_RUNS)
            rows.append(Row(name, timed(call, runs), CAPTURE_TARGET_MS))
    return rows


def hotkey_latency_rows(display: str, runs: int) -> list[Row]:
    """Hotkey-to-action latency rows on ``display``: ``xdotool key`` (and XTEST) to ``on_action`` running."""
    from hotkeys import HOTKEY_TARGET_MS, hotkey_latency_samples

    return [Row(name, samples, HOTKEY_TARGET_MS)
            for name, samples in hotkey_latency_samples(runs, display).items()]


def print_table(rows: list[Row]) -> None:
    print(f"{'what':<48} {'runs':>5} {'median ms':>10} {'p90 ms':>8} {'target ms':>10}  result")
    for row in rows:
        target = f"{row.target_ms:.0f}" if row.target_ms is not None else "-"
        result = "" if row.target_ms is None else ("ok" if row.median_ms <= row.target_ms else "OVER")
        print(f"{row.name:<48} {len(row.samples_ms):>5} {row.median_ms:>10.1f} {row.p90_ms:>8.1f} {target:>10}"
              f"  {result}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100, help="timed runs per row (at least 50)")
    args = parser.parse_args(argv)
    runs = max(args.runs, 50)

    from capture_scene import (
        PatternWindow, active_window_id, has_openbox, pattern, set_fake_active_window, set_root_colour,
        start_openbox, wait_until,
    )
    from Xlib import display as xdisplay

    from inkscope_desktop.capture import Rect
    from inkscope_desktop.testing.xserver import XvfbServer

    with XvfbServer(1920, 1080) as xvfb:
        conn = xdisplay.Display(xvfb.display)
        set_root_colour(conn)
        openbox = start_openbox(conn, xvfb.env()) if has_openbox() else None
        window = PatternWindow.create(conn, Rect(400, 200, 1024, 700), pattern(1024, 700, seed=1), title="Benchmark")
        if openbox is None:
            set_fake_active_window(conn, window.window, frame_extents=(1, 1, 24, 4))
        wait_until(lambda: active_window_id(conn) == window.window.id, what="the window to become active")
        try:
            print(f"Xvfb {xvfb.display} 1920x1080, window manager: {'openbox' if openbox else 'none (EWMH by hand)'}, "
                  f"Python {sys.version.split()[0]}")
            rows = capture_latency_rows(xvfb.display, runs)
            rows += hotkey_latency_rows(xvfb.display, runs)
            print_table(rows)
        finally:
            window.destroy(conn)
            conn.close()
            if openbox is not None:
                openbox.terminate()
                openbox.wait(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
