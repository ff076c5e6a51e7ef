"""Grabs on a real X server: the focused window never gets a bound chord, whatever Caps Lock and Num Lock say;
a chord another client holds is reported in one line and left to it; stop and rebind release the grabs."""

from __future__ import annotations

import pytest

from inkscope_desktop.core.actions import Action
from inkscope_desktop.hotkeys import Chord

from hotkey_harness import press_as_is

DESCRIBE = Chord.parse("Ctrl+Alt+Shift+D")
REGION = Chord.parse("Ctrl+Alt+Shift+G")


def keysyms(logged: list[tuple[str, int]]) -> set[int]:
    return {keysym for _, keysym in logged}


def test_the_focused_window_gets_neither_press_nor_release_of_a_chord(make_listener, inbox, x_env, key_logger):
    listener = make_listener({Action.DESCRIBE_SCREEN: DESCRIBE})
    press_as_is(x_env, DESCRIBE)
    assert inbox.next() is Action.DESCRIBE_SCREEN
    assert key_logger.keysym("d") not in keysyms(key_logger.keys_until_sentinel(x_env))

    press_as_is(x_env, "ctrl+alt+shift+q")  # an unbound chord still reaches the window
    assert key_logger.keysym("q") in keysyms(key_logger.keys_until_sentinel(x_env))

    assert listener.stop()
    press_as_is(x_env, DESCRIBE)  # stopped: the grab is gone and the window gets the key again
    assert {("press", key_logger.keysym("d")), ("release", key_logger.keysym("d"))} <= set(
        key_logger.keys_until_sentinel(x_env))
    assert inbox.drain_after(0.3) == []


@pytest.mark.parametrize("locks", [["Caps_Lock"], ["Num_Lock"], ["Caps_Lock", "Num_Lock"]],
                         ids=["caps-lock", "num-lock", "both"])
def test_a_chord_is_grabbed_and_fires_whatever_the_lock_keys_say(make_listener, inbox, x_env, key_logger, locks):
    make_listener({Action.DESCRIBE_SCREEN: DESCRIBE})
    press_as_is(x_env, *locks)  # each press toggles its lock on
    try:
        state = key_logger.conn.screen().root.query_pointer().mask
        assert state & 0x2 if "Caps_Lock" in locks else not state & 0x2  # Lock
        press_as_is(x_env, DESCRIBE)
        assert inbox.next() is Action.DESCRIBE_SCREEN
        assert key_logger.keysym("d") not in keysyms(key_logger.keys_until_sentinel(x_env))
    finally:
        press_as_is(x_env, *locks)  # and off again: the X server lives for the whole module


def test_each_chord_is_grabbed_once_for_every_lock_combination(make_listener, x_env):
    listener = make_listener({Action.DESCRIBE_SCREEN: DESCRIBE})
    grabs = listener._run.grabber.grabs[DESCRIBE]
    states = sorted(state for _, state in grabs)
    ctrl_alt_shift = 0x4 | 0x8 | 0x1  # Control, Mod1 (Alt on this server), Shift
    assert states == sorted(ctrl_alt_shift | locks for locks in (0, 0x2, 0x10, 0x12))  # Lock, Mod2 (Num Lock)


def test_rebinding_moves_the_grab(make_listener, inbox, x_env, key_logger):
    listener = make_listener({Action.DESCRIBE_SCREEN: DESCRIBE})
    listener.rebind({Action.DESCRIBE_REGION: REGION})
    press_as_is(x_env, DESCRIBE, REGION)
    assert inbox.next() is Action.DESCRIBE_REGION
    logged = keysyms(key_logger.keys_until_sentinel(x_env))
    assert key_logger.keysym("d") in logged and key_logger.keysym("g") not in logged
    assert inbox.drain_after(0.3) == []


def test_a_chord_another_client_holds_is_reported_once_and_the_others_work(make_listener, inbox, x_env,
                                                                            key_logger):
    from Xlib import X
    from Xlib import display as xdisplay

    holder = xdisplay.Display(x_env["DISPLAY"])  # another program's global shortcut
    keycode = holder.keysym_to_keycode(key_logger.keysym("g"))
    holder.screen().root.grab_key(keycode, X.ControlMask | X.Mod1Mask | X.ShiftMask, False, X.GrabModeAsync,
                                  X.GrabModeAsync)
    holder.sync()
    try:
        reported = []
        listener = make_listener({Action.DESCRIBE_SCREEN: DESCRIBE, Action.DESCRIBE_REGION: REGION},
                                 on_problem=reported.append)
        assert [str(problem) for problem in listener.problems] == [str(problem) for problem in reported]
        assert len(reported) == 1
        line = str(reported[0])
        assert line.startswith("Ctrl+Alt+Shift+G (Describe region) is already taken by another program")
        assert "\n" not in line and "the other hotkeys keep working" in line

        press_as_is(x_env, REGION, DESCRIBE)
        assert inbox.next() is Action.DESCRIBE_SCREEN  # the taken chord is left to the program that holds it
        assert inbox.drain_after(0.3) == []
        holder.sync()
        assert holder.pending_events()  # ... which got it

        holder.screen().root.ungrab_key(keycode, X.ControlMask | X.Mod1Mask | X.ShiftMask)
        holder.sync()
        listener.rebind({Action.DESCRIBE_SCREEN: DESCRIBE, Action.DESCRIBE_REGION: REGION})
        assert listener.problems == ()
        press_as_is(x_env, REGION)
        assert inbox.next() is Action.DESCRIBE_REGION
    finally:
        holder.close()


def test_stop_releases_every_grab(make_listener, x_env):
    from Xlib import X, error
    from Xlib import display as xdisplay

    listener = make_listener({Action.DESCRIBE_SCREEN: DESCRIBE})
    other = xdisplay.Display(x_env["DISPLAY"])
    try:
        keycode = other.keysym_to_keycode(0x64)  # the "d" key
        for expect_taken in (True, False):
            caught = error.CatchError(error.BadAccess)
            other.screen().root.grab_key(keycode, X.ControlMask | X.Mod1Mask | X.ShiftMask | X.LockMask, False,
                                         X.GrabModeAsync, X.GrabModeAsync, onerror=caught)
            other.sync()
            assert (caught.get_error() is not None) is expect_taken
            assert listener.stop()
    finally:
        other.close()
