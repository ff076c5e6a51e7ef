"""The real app under openbox: a bound chord acts in Inkscope and never reaches the focused program (xev), and
a chord another program already holds is reported in one line while the other chords keep working."""

from __future__ import annotations

import shutil

import pytest

FAKE = ("--fake", "--first-chunk-delay", "0.05", "--chunk-delay", "0.02")

pytestmark = pytest.mark.skipif(shutil.which("openbox") is None or shutil.which("xev") is None,
                                reason="needs openbox and xev (x11-utils); scripts/test.sh installs them")


def ready(app) -> None:
    app.wait_for("ready_to_drive")
    app.wait_for("status", lambda e: e["text"] == "Inkscope ready", seen_before=True)


def test_a_hotkey_acts_in_inkscope_and_the_focused_program_never_sees_it(desktop, launch, xev):
    desktop.start_tray()
    app = launch(*FAKE)
    ready(app)
    focused = xev()
    desktop.key("ctrl+alt+shift+q")  # not bound: the focused program gets it, so the log is trustworthy
    assert ("KeyPress", "q") in [(kind, name.lower()) for kind, name in focused.keys_until_sentinel()]

    desktop.key("ctrl+alt+shift+d")
    assert app.wait_for("caption_started")["source"].startswith("Screen")
    app.wait_for("caption_finished")
    desktop.key("ctrl+alt+shift+p")  # repeat last: the xev example
    logged = focused.keys_until_sentinel()
    assert not [event for event in logged if event[1].lower() in ("d", "p")], logged
    assert ("KeyPress", "Control_L") in logged  # modifiers alone still reach it, as with any global hotkey
    assert not [e for e in app.events if e["event"] == "error"]
    assert app.stop() == 0


def test_a_chord_another_program_holds_is_reported_once_and_the_others_work(desktop, launch, xev):
    from Xlib import X, XK
    from Xlib import display as xdisplay

    holder = xdisplay.Display(desktop.display)  # another program's global shortcut on Ctrl+Alt+Shift+G
    keycode = holder.keysym_to_keycode(XK.string_to_keysym("g"))
    holder.screen().root.grab_key(keycode, X.ControlMask | X.Mod1Mask | X.ShiftMask, False, X.GrabModeAsync,
                                  X.GrabModeAsync)
    holder.sync()
    try:
        desktop.start_tray()
        app = launch(*FAKE)
        ready(app)
        taken = [e for e in app.events if e["event"] == "message" and e["is_error"]]
        assert len(taken) == 1, taken
        assert "Ctrl+Alt+Shift+G (Describe region) is already taken by another program" in taken[0]["text"]
        assert "\n" not in taken[0]["text"]

        focused = xev()
        desktop.key("ctrl+alt+shift+g", "ctrl+alt+shift+d")
        assert app.wait_for("caption_started")["source"].startswith("Screen")
        app.wait_for("caption_finished")
        logged = focused.keys_until_sentinel()
        assert not [event for event in logged if event[1].lower() in ("d", "g")], logged
        holder.sync()
        assert holder.pending_events()  # the chord went to the program that holds it ...
        assert "region_selector_shown" not in [e["event"] for e in app.events + app.drain()]  # ... not to Inkscope
        assert app.stop() == 0
    finally:
        holder.close()
