"""The listener on a real X server: xdotool presses fire exactly the bound action, once; stop joins the thread."""

from __future__ import annotations

import threading
import time

import pytest

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import HotkeyError
from inkscope_desktop.hotkeys import Chord, default_bindings

from hotkey_harness import press

SENTINEL = Chord.parse("Ctrl+Alt+Shift+D")


def test_each_default_chord_fires_exactly_its_action_once(make_listener, inbox, x_env):
    bindings = default_bindings("linux")
    make_listener(bindings)
    for action, chord in bindings.items():
        press(x_env, chord)
        assert inbox.next() is action, chord
    assert inbox.drain_after(0.5) == []


def test_unbound_and_larger_or_smaller_chords_fire_nothing(make_listener, inbox, x_env):
    make_listener({Action.DESCRIBE_SCREEN: SENTINEL, Action.REPEAT_LAST: Chord.parse("Ctrl+Alt+Shift+P")})
    press(x_env, "ctrl+alt+shift+q", "ctrl+alt+shift+super+d", "alt+shift+d", "ctrl+alt+d", "d", "shift+p",
          SENTINEL)
    assert inbox.next() is Action.DESCRIBE_SCREEN  # events arrive in order: everything before was judged
    assert inbox.drain_after(0.5) == []


def test_shifted_digits_and_named_keys_match_by_key_not_by_symbol(make_listener, inbox, x_env):
    bindings = {Action.DESCRIBE_SCREEN: Chord.parse("ctrl+alt+shift+1"),
                Action.DESCRIBE_WINDOW: Chord.parse("ctrl+shift+f12"),
                Action.DESCRIBE_REGION: Chord.parse("super+alt+space"),
                Action.DESCRIBE_CLIPBOARD: Chord.parse("ctrl+alt+shift+comma"),
                Action.ASK_FOLLOW_UP: Chord.parse("ctrl+alt+page_down")}
    make_listener(bindings)
    for action, chord in bindings.items():
        press(x_env, chord)
        assert inbox.next() is action, chord


def test_rebinding_at_run_time_takes_effect(make_listener, inbox, x_env):
    listener = make_listener({Action.DESCRIBE_SCREEN: SENTINEL})
    press(x_env, SENTINEL)
    assert inbox.next() is Action.DESCRIBE_SCREEN
    new = Chord.parse("Ctrl+Alt+Shift+J")
    listener.rebind({Action.DESCRIBE_SCREEN: new, Action.STOP_SPEAKING: Chord.parse("Ctrl+Alt+Shift+M")})
    assert listener.is_running
    press(x_env, SENTINEL, new)
    assert inbox.next() is Action.DESCRIBE_SCREEN
    press(x_env, "ctrl+alt+shift+m")
    assert inbox.next() is Action.STOP_SPEAKING
    assert inbox.drain_after(0.5) == []


def test_a_rejected_rebind_keeps_the_old_bindings(make_listener, inbox, x_env):
    listener = make_listener({Action.DESCRIBE_SCREEN: SENTINEL})
    with pytest.raises(HotkeyError, match="bound to both"):
        listener.rebind({Action.DESCRIBE_SCREEN: SENTINEL, Action.REPEAT_LAST: SENTINEL})
    press(x_env, SENTINEL)
    assert inbox.next() is Action.DESCRIBE_SCREEN


@pytest.mark.parametrize("fire_first", [False, True], ids=["idle", "right-after-a-hotkey"])
def test_stop_joins_the_listener_thread_promptly(make_listener, inbox, x_env, fire_first):
    listener = make_listener({Action.DESCRIBE_SCREEN: SENTINEL})
    thread = listener._run.thread
    if fire_first:
        press(x_env, SENTINEL)
        assert inbox.next() is Action.DESCRIBE_SCREEN
    started = time.monotonic()
    assert listener.stop(timeout_s=2.0)
    assert time.monotonic() - started < 1.0
    assert not thread.is_alive() and not listener.is_running
    assert thread not in threading.enumerate()
    press(x_env, SENTINEL)
    assert inbox.drain_after(0.3) == []


def test_a_stopped_listener_starts_again(make_listener, inbox, x_env):
    listener = make_listener({Action.DESCRIBE_SCREEN: SENTINEL})
    for _ in range(3):
        assert listener.stop()
        listener.start()
        press(x_env, SENTINEL)
        assert inbox.next() is Action.DESCRIBE_SCREEN


def test_a_chord_the_layout_lacks_is_reported_and_the_others_keep_working(make_listener, inbox, x_env):
    reported: list[HotkeyError] = []
    listener = make_listener({Action.DESCRIBE_SCREEN: SENTINEL, Action.REPEAT_LAST: Chord.parse("F24")},
                             on_problem=reported.append)
    assert [str(p) for p in listener.problems] == [str(p) for p in reported]
    assert len(reported) == 1 and "F24 (Repeat last)" in str(reported[0]) and "\n" not in str(reported[0])
    press(x_env, SENTINEL)
    assert inbox.next() is Action.DESCRIBE_SCREEN
    listener.rebind({Action.DESCRIBE_SCREEN: SENTINEL})
    assert listener.problems == ()


def test_an_error_in_on_action_does_not_stop_listening(x_env):
    from inkscope_desktop.hotkeys import HotkeyListener

    calls: list[Action] = []
    fired = threading.Event()

    def on_action(action: Action) -> None:
        calls.append(action)
        if len(calls) == 1:
            raise RuntimeError("a buggy callback")
        fired.set()

    with HotkeyListener({Action.DESCRIBE_SCREEN: SENTINEL}, on_action) as listener:
        press(x_env, SENTINEL, SENTINEL)
        assert fired.wait(5.0)
        assert listener.is_running


def test_pynput_accepts_the_pynput_form_of_every_chord(x_env):
    from pynput.keyboard import HotKey

    from inkscope_desktop.hotkeys.keys import KEYS

    for spec in KEYS.values():
        chord = Chord.parse(f"Ctrl+Alt+{spec.display}")
        if spec.name in ("f21", "f22", "f23", "f24"):
            continue  # pynput's X11 Key enum stops at F20 (the listener handles F21-F24 by keysym)
        assert HotKey.parse(chord.pynput_form), chord
