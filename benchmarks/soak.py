"""Soak: drive a running app (fake engine, its own settings, history and runtime folders) with a burst of triggers.

Prints the app's resident memory before the burst, right after it, and after a settle time, with the ratio of each
to the memory before (the baseline, measured in the same run), plus the time from the last trigger until the
app is idle again (its CPU time stops growing) and how many triggers were taken or refused. Needs a display
(run it under ``xvfb-run -a``): the triggers describe the screen.

    python benchmarks/soak.py [--triggers 500] [--settle 30]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inkscope_desktop.core.actions import Action  # noqa: E402
from inkscope_desktop.core.errors import InstanceError  # noqa: E402
from inkscope_desktop.instance import send_action  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_idle(pid: int, *, quiet_s: float = 1.0, limit_s: float = 120.0) -> float:
    """Seconds until the process used under 2 % of a core over ``quiet_s``."""
    began = time.monotonic()
    while time.monotonic() - began < limit_s:
        before = cpu_s(pid)
        time.sleep(quiet_s)
        if cpu_s(pid) - before < 0.02 * quiet_s:
            return time.monotonic() - began - quiet_s
    return float("inf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triggers", type=int, default=500)
    parser.add_argument("--settle", type=float, default=30.0, help="seconds to wait after the burst")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        print("soak: needs a display; run it under xvfb-run -a", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="inkscope-soak-") as temp:
        folders = {name: Path(temp) / name for name in ("config", "data", "runtime")}
        env = {**os.environ, "INKSCOPE_CONFIG_DIR": str(folders["config"]), "INKSCOPE_DATA_DIR": str(folders["data"]),
               "INKSCOPE_RUNTIME_DIR": str(folders["runtime"]), "QT_QPA_PLATFORM": "offscreen"}
        app = subprocess.Popen([sys.executable, "-m", "inkscope_desktop", "--fake-engine"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        os.environ["INKSCOPE_RUNTIME_DIR"] = env["INKSCOPE_RUNTIME_DIR"]
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    send_action(Action.SHOW_WINDOW, timeout=2.0)
                    break
                except InstanceError:
                    if time.monotonic() > deadline or app.poll() is not None:
                        print("soak: the app did not start", file=sys.stderr)
                        return 1
                    time.sleep(0.2)
            wait_idle(app.pid)
            before = rss_mb(app.pid)
            taken = refused = 0
            burst_began = time.monotonic()
            for _ in range(args.triggers):
                try:
                    send_action(Action.DESCRIBE_SCREEN, timeout=2.0)
                    taken += 1
                except InstanceError:
                    refused += 1
            burst_s = time.monotonic() - burst_began
            right_after = rss_mb(app.pid)
            to_idle = wait_idle(app.pid)
            time.sleep(max(0.0, args.settle - to_idle))
            settled = rss_mb(app.pid)
            alive = app.poll() is None
        finally:
            app.terminate()
            try:
                app.wait(10)
            except subprocess.TimeoutExpired:
                app.kill()
    print(f"soak: {args.triggers} describe-screen triggers in {burst_s:.1f} s ({taken} taken, {refused} refused); "
          f"the app {'is still running' if alive else 'ENDED'}")
    print(f"{'moment':<28}{'RSS MB':>10}{'ratio':>8}")
    for moment, value in (("before (baseline)", before), ("right after the burst", right_after),
                          (f"{args.settle:g} s after the burst", settled)):
        print(f"{moment:<28}{value:>10.1f}{value / before:>8.2f}")
    print(f"time from the last trigger to idle: {to_idle:.1f} s")
    return 0 if alive else 1


if __name__ == "__main__":
    sys.exit(main())
