"""Windows hotkeys on paper: RegisterHotKey's arguments for every key, and the message loop driven through a
double of user32 that applies Windows' rules (thread affinity, chords other programs registered)."""

from __future__ import annotations

import threading

import pytest

from inkscope_desktop.core.actions import Action
from inkscope_desktop.hotkeys import Chord, default_bindings
from inkscope_desktop.hotkeys.keys import KEYS
from inkscope_desktop.hotkeys.win32_hotkeys import (MOD_ALT, MOD_CONTROL, MOD_NOREPEAT, MOD_SHIFT, MOD_WIN,
                                                    VIRTUAL_KEYS, Win32HotkeyRun, register_arguments)

from win32_double import FakeUser32

CTRL_ALT_SHIFT = MOD_CONTROL | MOD_ALT | MOD_SHIFT


@pytest.mark.parametrize("text, modifiers, vk", [
    ("Ctrl+Alt+Shift+D", CTRL_ALT_SHIFT, 0x44),
    ("Ctrl+Shift+F12", MOD_CONTROL | MOD_SHIFT, 0x7B),
    ("Alt+Super+Space", MOD_ALT | MOD_WIN, 0x20),
    ("Ctrl+Alt+Shift+1", CTRL_ALT_SHIFT, 0x31),
    ("Ctrl+Alt+Comma", MOD_CONTROL | MOD_ALT, 0xBC),
    ("Ctrl+Alt+PageDown", MOD_CONTROL | MOD_ALT, 0x22),
    ("F24", 0, 0x87),
    ("Mute", 0, 0xAD),
])
def test_register_arguments(text, modifiers, vk):
    assert register_arguments(Chord.parse(text)) == (modifiers | MOD_NOREPEAT, vk)


def test_every_key_has_a_distinct_virtual_key():
    assert set(VIRTUAL_KEYS) == set(KEYS)
    assert len(set(VIRTUAL_KEYS.values())) == len(VIRTUAL_KEYS)


class Inbox(list):
    def __init__(self) -> None:
        super().__init__()
        self.fired = threading.Semaphore(0)

    def __call__(self, action: Action) -> None:
        self.append(action)
        self.fired.release()

    def wait(self, count: int = 1) -> list[Action]:
        for _ in range(count):
            assert self.fired.acquire(timeout=5), "no WM_HOTKEY was handled"
        return list(self)


@pytest.fixture
def started():
    runs = []

    def start(bindings, api, on_action):
        run = Win32HotkeyRun(on_action, api)
        runs.append(run)
        return run, run.start(bindings, 5.0)

    yield start
    for run in runs:
        assert run.stop(2.0)


def test_each_chord_is_registered_on_the_loop_thread_and_fires_its_action(started):
    api, inbox = FakeUser32(), Inbox()
    run, problems = started(default_bindings("win32"), api, inbox)
    assert problems == () and run.is_running
    assert {entry[2] for entry in api.registered.values()} == {run.thread.ident}
    assert api.press(CTRL_ALT_SHIFT, ord("P")) and inbox.wait() == [Action.REPEAT_LAST]
    assert not api.press(CTRL_ALT_SHIFT | MOD_WIN, ord("P"))  # a larger chord is no hotkey


def test_a_chord_another_program_registered_is_reported_and_the_others_work(started):
    api, inbox = FakeUser32(held_elsewhere={(CTRL_ALT_SHIFT, ord("G"))}), Inbox()
    _, problems = started(default_bindings("win32"), api, inbox)
    assert len(problems) == 1
    assert str(problems[0]).startswith("Ctrl+Alt+Shift+G (Describe region) is already taken by another program")
    assert api.press(CTRL_ALT_SHIFT, ord("D")) and inbox.wait() == [Action.DESCRIBE_SCREEN]


def test_rebind_and_stop_unregister_on_the_thread_that_registered(started):
    api, inbox = FakeUser32(), Inbox()
    run, _ = started({Action.DESCRIBE_SCREEN: Chord.parse("Ctrl+Alt+Shift+D")}, api, inbox)
    assert run.rebind({Action.STOP_SPEAKING: Chord.parse("Ctrl+Alt+Shift+M")}) == ()
    assert not api.press(CTRL_ALT_SHIFT, ord("D"))
    assert api.press(CTRL_ALT_SHIFT, ord("M")) and inbox.wait() == [Action.STOP_SPEAKING]
    assert run.stop(2.0) and not run.is_running
    assert api.registered == {}  # the double raises if a thread other than the registering one unregisters
    assert [call for call, _ in api.calls] == ["register", "unregister", "register", "unregister"]


def test_an_error_in_on_action_does_not_end_the_loop(started):
    api, inbox = FakeUser32(), Inbox()

    def on_action(action: Action) -> None:
        inbox(action)
        if len(inbox) == 1:
            raise RuntimeError("a buggy callback")

    run, _ = started({Action.DESCRIBE_SCREEN: Chord.parse("Ctrl+Alt+Shift+D")}, api, on_action)
    api.press(CTRL_ALT_SHIFT, ord("D"))
    api.press(CTRL_ALT_SHIFT, ord("D"))
    assert inbox.wait(2) == [Action.DESCRIBE_SCREEN] * 2 and run.is_running


def test_the_double_refuses_what_windows_refuses():
    api = FakeUser32(held_elsewhere={(MOD_CONTROL, 0x41)})
    api.prepare_queue()
    assert api.register(1, MOD_CONTROL | MOD_NOREPEAT, 0x41) == 1409
    assert api.register(2, MOD_CONTROL, 0x42) == 0
    assert api.register(3, MOD_CONTROL, 0x42) == 1409  # the same chord twice
    errors = []
    worker = threading.Thread(target=lambda: errors.append(pytest.raises(AssertionError, api.unregister, 2)))
    worker.start()
    worker.join()
    assert errors and api.registered
