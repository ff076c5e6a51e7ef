"""The caption window as a keyboard user lives with it, in the real app under openbox (issue 14, items 1, 2 and 8):
it comes back from any state, descriptions leave the focus in the user's program, the active window described is
never Inkscope's own, and the own voice says errors too, with the window hidden in tray mode."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

FAKE = ("--fake", "--first-chunk-delay", "0.05", "--chunk-delay", "0.01")

pytestmark = pytest.mark.skipif(shutil.which("openbox") is None or shutil.which("xev") is None
                                or shutil.which("xprop") is None,
                                reason="needs openbox, xev and xprop (x11-utils); scripts/test.sh installs them")


def x(desktop, *command: str) -> str:
    result = subprocess.run(list(command), env={**os.environ, "DISPLAY": desktop.display}, capture_output=True,
                            text=True, timeout=20)
    return result.stdout.strip()


def caption_window(desktop) -> str:
    found = subprocess.run(["xdotool", "search", "--sync", "--name", "^Inkscope$"],
                           env={**os.environ, "DISPLAY": desktop.display}, capture_output=True, text=True, timeout=20,
                           check=True)
    return found.stdout.split()[0]


def wm_state(desktop, window: str) -> str:
    """Normal, Iconic, or "" when the window is withdrawn (xprop's WM_STATE)."""
    text = x(desktop, "xprop", "-id", window, "WM_STATE")
    for state in ("Normal", "Iconic"):
        if f"window state: {state}" in text:
            return state
    return ""


def active_window(desktop) -> str:
    return x(desktop, "xdotool", "getactivewindow")


def until(check, what: str, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def ready(app) -> None:
    app.wait_for("ready_to_drive")
    app.wait_for("status", lambda e: e["text"] == "Inkscope ready", seen_before=True)


def is_active(desktop, window: str) -> bool:
    return int(active_window(desktop) or 0) == int(window)


def test_without_a_tray_the_window_comes_back_from_minimized_hidden_and_behind_others(desktop, launch, xev):
    app = launch(*FAKE)
    ready(app)
    window = caption_window(desktop)
    until(lambda: wm_state(desktop, window) == "Normal", "the window to be shown")
    x(desktop, "xdotool", "windowactivate", "--sync", window)

    desktop.key("Escape")  # Esc minimizes where there is no tray
    until(lambda: wm_state(desktop, window) == "Iconic", "Esc to minimize the window")
    desktop.key("ctrl+alt+shift+k")  # toggle on a minimized window restores it
    until(lambda: wm_state(desktop, window) == "Normal" and is_active(desktop, window), "K to restore the window")

    for how in ("show-window", "ask-follow-up"):
        desktop.key("Escape")
        until(lambda: wm_state(desktop, window) == "Iconic", "Esc to minimize the window")
        assert app.trigger(how).returncode == 0
        until(lambda: wm_state(desktop, window) == "Normal" and is_active(desktop, window), f"{how} to restore it")

    desktop.key("Escape")
    until(lambda: wm_state(desktop, window) == "Iconic", "Esc to minimize the window")
    second = launch(*FAKE)  # a second launch asks the running app to show its window, and exits
    second.wait_for("exit")
    until(lambda: wm_state(desktop, window) == "Normal" and is_active(desktop, window), "a second launch to show it")

    other = xev()  # another program on top of it, with the focus
    until(lambda: is_active(desktop, other.window_id), "xev to take the focus")
    assert app.trigger("show-window").returncode == 0
    until(lambda: is_active(desktop, window), "show-window to raise and focus it from behind another window")
    assert app.stop() == 0


def test_descriptions_leave_the_focus_in_the_users_program_and_never_describe_inkscope(desktop, launch, xev):
    app = launch(*FAKE)
    ready(app)
    window = caption_window(desktop)
    focused = xev()
    until(lambda: is_active(desktop, focused.window_id), "xev to take the focus")

    desktop.key("ctrl+alt+shift+d")  # describe the screen: the window hides, captures, comes back
    app.wait_for("caption_finished")
    time.sleep(0.3)
    assert is_active(desktop, focused.window_id), "a description took the focus"
    assert wm_state(desktop, window) == "Normal"  # shown again, for a sighted helper

    desktop.key("ctrl+alt+shift+w")
    assert app.wait_for("caption_started")["source"] == "Active window: inkscope-test-xev"
    app.wait_for("caption_finished")

    x(desktop, "xdotool", "windowactivate", "--sync", window)  # the user is in Inkscope's window now
    until(lambda: is_active(desktop, window), "Inkscope's window to take the focus")
    desktop.key("ctrl+alt+shift+w")
    assert app.wait_for("caption_started")["source"] == "Active window: inkscope-test-xev"  # never Inkscope
    app.wait_for("caption_finished")
    until(lambda: is_active(desktop, window), "the focus to come back to Inkscope's window, where the user was")
    assert app.stop() == 0


def test_in_tray_mode_a_description_shows_the_window_without_the_focus_and_errors_are_spoken(desktop, launch, xev,
                                                                                              tmp_path):
    speech = tmp_path / "speech"
    desktop.start_tray()
    app = launch(*FAKE, "--speech-folder", str(speech))
    ready(app)
    assert app.wait_for("ready_to_drive", seen_before=True)["tray"] is True
    focused = xev()
    until(lambda: is_active(desktop, focused.window_id), "xev to take the focus")
    assert app.trigger("describe-clipboard").returncode == 0  # an empty clipboard, the window hidden
    error = app.wait_for("error")["text"]
    assert error.startswith("The clipboard holds no image")

    def spoken() -> str:
        return " ".join(" ".join(path.read_text(encoding="utf-8") for path in sorted(speech.glob("*.txt"))).split())

    until(lambda: error in spoken(), "the own voice to say the error", timeout_s=30)
    assert spoken().count(error) == 1  # once

    desktop.key("ctrl+alt+shift+d")
    app.wait_for("caption_finished")
    window = caption_window(desktop)
    until(lambda: wm_state(desktop, window) == "Normal", "the window to show for the description")
    time.sleep(0.3)
    assert is_active(desktop, focused.window_id), "showing the window took the focus"
    assert app.stop() == 0
