"""Hotkey-to-action latency on a private Xvfb: from a key press to ``on_action`` running, with the defaults bound.

Three ways to press, cycling through the default chords:

- ``xdotool key`` as a user's script would: from just before xdotool is launched to ``on_action``. This
  includes starting xdotool and its default 12 ms pause between the chord's keys (four keys: ~36 ms).
- ``xdotool key --delay 0``: the same without the pauses.
- XTEST, last key: the modifiers are held already (python-xlib's XTEST), and the clock starts just before
  the chord's last key is sent. This is the listener's own latency, what a user feels after the final key.

Prints median and p90 per row over ``--presses`` presses (at least 30). Target: ≤ 50 ms.

    python benchmarks/hotkeys.py [--presses 60]

``hotkey_latency_rows(presses)`` returns ``(what, median_ms, p90_ms)`` rows for other benchmarks;
``hotkey_latency_samples`` returns the raw samples.
"""

from __future__ import annotations

import argparse
import os
import queue
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inkscope_desktop.core.actions import Action  # noqa: E402
from inkscope_desktop.hotkeys import Chord, HotkeyListener, default_bindings  # noqa: E402

HOTKEY_TARGET_MS = 50.0
MIN_PRESSES = 30
_XDOTOOL_MODIFIERS = {"Ctrl": "ctrl", "Alt": "alt", "Shift": "shift", "Super": "super"}
_X_MODIFIER_KEYSYMS = {"Ctrl": "Control_L", "Alt": "Alt_L", "Shift": "Shift_L", "Super": "Super_L"}


def _xdotool_chord(chord: Chord) -> str:
    return "+".join([*(_XDOTOOL_MODIFIERS[m.value] for m in chord.ordered_modifiers), chord.spec.x_keysym])


@contextmanager
def _display(display: str | None) -> Iterator[str]:
    """``display``, or a private Xvfb; DISPLAY points at it meanwhile (pynput's listener thread reads it)."""
    from inkscope_desktop.testing.xserver import XvfbServer

    previous = os.environ.get("DISPLAY")
    server = None if display else XvfbServer(800, 600).start()
    name = display or server.display
    from Xlib import display as xdisplay

    keep_alive = xdisplay.Display(name)  # an X server resets when its last client leaves: hold one open
    os.environ["DISPLAY"] = name
    try:
        yield name
    finally:
        keep_alive.close()
        if previous is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = previous
        if server is not None:
            server.stop()


def _measure(presses: int, fired: queue.Queue, bindings: dict[Action, Chord],
             press: Callable[[Chord], float]) -> list[float]:
    """Milliseconds from each press's start (``press`` returns it) to ``on_action``, cycling the chords."""
    samples = []
    chords = list(bindings.items())
    for index in range(presses):
        action, chord = chords[index % len(chords)]
        started = press(chord)
        fired_action, fired_at = fired.get(timeout=5.0)
        if fired_action is not action:
            raise RuntimeError(f"{chord} fired {fired_action.value}, expected {action.value}")
        samples.append((fired_at - started) * 1000)
    return samples


def _xdotool_press(env: dict[str, str], *options: str) -> Callable[[Chord], float]:
    def press(chord: Chord) -> float:
        started = time.perf_counter()
        subprocess.run(["xdotool", "key", *options, _xdotool_chord(chord)], env=env,
                       check=True, timeout=10)
        return started
    return press


def _xtest_press(conn) -> Callable[[Chord], float]:
    from Xlib import XK, X
    from Xlib.ext import xtest

    def keycode(name: str) -> int:
        return conn.keysym_to_keycode(XK.string_to_keysym(name))

    def press(chord: Chord) -> float:
        modifiers = [keycode(_X_MODIFIER_KEYSYMS[m.value]) for m in chord.ordered_modifiers]
        key = keycode(chord.spec.x_keysym)
        for code in modifiers:
            xtest.fake_input(conn, X.KeyPress, code)
        conn.sync()
        started = time.perf_counter()
        xtest.fake_input(conn, X.KeyPress, key)
        # A round trip, not just a flush: the X server passes recorded events on to the listener when it
        # flushes output to some client. On a real desktop the focused window's KeyPress does that; on a
        # bare Xvfb nothing else would, and the press would wait for the next X traffic.
        conn.sync()
        xtest.fake_input(conn, X.KeyRelease, key)
        for code in reversed(modifiers):
            xtest.fake_input(conn, X.KeyRelease, code)
        conn.sync()
        return started
    return press


def hotkey_latency_samples(presses: int, display: str | None = None) -> dict[str, list[float]]:
    """Samples in ms per way of pressing; on ``display`` if given, else on a private Xvfb it starts."""
    from Xlib import display as xdisplay

    presses = max(presses, MIN_PRESSES)
    fired: queue.Queue = queue.Queue()
    bindings = default_bindings("linux")
    with _display(display) as name:
        env = {**os.environ, "DISPLAY": name}
        with HotkeyListener(bindings, lambda action: fired.put_nowait((action, time.perf_counter()))):
            _measure(3, fired, bindings, _xdotool_press(env))  # warm up
            samples = {
                "hotkey: xdotool key, launch to action": _measure(presses, fired, bindings, _xdotool_press(env)),
                "hotkey: xdotool key --delay 0, launch to action":
                    _measure(presses, fired, bindings, _xdotool_press(env, "--delay", "0")),
            }
            # Connect only now: xdotool may have changed the keyboard mapping, and python-xlib caches it.
            conn = xdisplay.Display(name)
            try:
                samples["hotkey: XTEST last key to action"] = _measure(presses, fired, bindings, _xtest_press(conn))
            finally:
                conn.close()
    return samples


def _p90(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=10, method="inclusive")[-1]


def hotkey_latency_rows(presses: int, display: str | None = None) -> list[tuple[str, float, float]]:
    """``(what, median_ms, p90_ms)`` per way of pressing, over ``presses`` presses (at least 30)."""
    return [(name, statistics.median(s), _p90(s)) for name, s in hotkey_latency_samples(presses, display).items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=60, help=f"presses per row (at least {MIN_PRESSES})")
    args = parser.parse_args(argv)
    print(f"Private Xvfb, default chords, Python {sys.version.split()[0]}")
    print(f"{'what':<48} {'presses':>7} {'median ms':>10} {'p90 ms':>8} {'target ms':>10}  result")
    for name, samples in hotkey_latency_samples(args.presses).items():
        median = statistics.median(samples)
        result = "ok" if median <= HOTKEY_TARGET_MS else "OVER"
        print(f"{name:<48} {len(samples):>7} {median:>10.1f} {_p90(samples):>8.1f} {HOTKEY_TARGET_MS:>10.0f}  "
              f"{result}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
