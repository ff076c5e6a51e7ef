"""Which key events are kept from the focused program, decided without a display: the X modifier bits a grab
uses (from a modifier mapping), and the verdicts macOS' event tap acts on."""

from __future__ import annotations

import enum

from inkscope_desktop.core.actions import Action
from inkscope_desktop.hotkeys import Chord
from inkscope_desktop.hotkeys.pynput_run import PynputRun
from inkscope_desktop.hotkeys.suppression import SuppressionTracker
from inkscope_desktop.hotkeys.x11_masks import ModifierMasks

SHIFT, LOCK, CONTROL, MOD1, MOD2, MOD3, MOD4, MOD5 = (1 << bit for bit in range(8))
ALT_L, META_L, SUPER_L, HYPER_L, NUM_LOCK, SCROLL_LOCK, LEVEL3 = 0xFFE9, 0xFFE7, 0xFFEB, 0xFFED, 0xFF7F, 0xFF14, 0xFE03
XVFB_MAPPING = [[0xFFE1, 0xFFE2], [0xFFE5], [0xFFE3, 0xFFE4], [ALT_L, 0xFFEA, META_L], [NUM_LOCK], [],
                [SUPER_L, 0xFFEC, HYPER_L], [LEVEL3, 0xFF7E]]  # what Xvfb's modifier mapping holds


def test_masks_come_from_the_modifier_mapping():
    masks = ModifierMasks.from_mapping(XVFB_MAPPING)
    assert masks.chord_mask(Chord.parse("Ctrl+Alt+Shift+D")) == CONTROL | MOD1 | SHIFT
    assert masks.chord_mask(Chord.parse("Ctrl+Shift+Super+D")) == CONTROL | SHIFT | MOD4
    assert masks.locks == (LOCK, MOD2)
    assert masks.lock_combinations() == [0, LOCK, MOD2, LOCK | MOD2]


def test_alt_may_sit_on_another_bit_and_scroll_lock_counts_as_a_lock():
    mapping = [[], [0xFFE5], [], [NUM_LOCK], [], [SCROLL_LOCK], [], [META_L]]  # Alt only as Meta, on Mod5
    masks = ModifierMasks.from_mapping(mapping)
    assert masks.chord_mask(Chord.parse("Ctrl+Alt+D")) == CONTROL | MOD5
    assert masks.locks == (LOCK, MOD1, MOD3)
    assert len(masks.lock_combinations()) == 8 and masks.lock_combinations()[-1] == LOCK | MOD1 | MOD3


def test_a_modifier_on_no_bit_cannot_be_grabbed():
    masks = ModifierMasks.from_mapping(XVFB_MAPPING[:6] + [[], []])  # no Super anywhere
    assert masks.chord_mask(Chord.parse("Ctrl+Super+D")) is None
    assert masks.chord_mask(Chord.parse("F13")) == 0


def test_a_lock_on_the_alt_bit_is_not_treated_as_a_lock():
    masks = ModifierMasks.from_mapping([[], [], [], [ALT_L, NUM_LOCK], [], [], [], []])
    assert masks.locks == (LOCK,)


def test_the_tracker_suppresses_a_completing_press_its_repeats_and_its_release():
    tracker = SuppressionTracker()
    verdicts = []
    for step, identity, completes in [("press", "ctrl", False), ("press", "d", True), ("press", "d", False),
                                      ("release", "d", False), ("release", "ctrl", False), ("press", "d", False)]:
        tracker.begin()
        if step == "press":
            tracker.judge_press(identity, completes_chord=completes)
        else:
            tracker.judge_release(identity)
        verdicts.append(tracker.intercept(None, f"{step} {identity}"))
    assert verdicts == ["press ctrl", None, None, None, "release ctrl", "press d"]


class Key(enum.Enum):
    """Stands in for pynput's Key on macOS."""

    ctrl = 1
    shift = 2
    cmd = 3


class KeyCode:
    def __init__(self, char: str) -> None:
        self.char, self.vk = char, None


def test_on_macos_the_chord_key_is_dropped_by_the_intercept_and_modifiers_pass():
    fired: list[Action] = []
    run = PynputRun("darwin", fired.append)
    assert run.rebind({Action.DESCRIBE_SCREEN: Chord.parse("Ctrl+Shift+Super+D")}) == ()

    def event(key, is_press: bool, injected: bool = False):
        run._handle(key, injected, is_press)  # pynput calls on_press / on_release, then the intercept
        return run._tracker.intercept(None, "event")

    assert [event(Key.ctrl, True), event(Key.shift, True), event(Key.cmd, True)] == ["event"] * 3
    assert event(KeyCode("d"), True) is None and fired == [Action.DESCRIBE_SCREEN]
    assert event(KeyCode("d"), False) is None
    assert event(KeyCode("e"), True) == "event"  # not a chord: the focused program gets it
    assert event(KeyCode("d"), True, injected=True) == "event"
    assert [event(key, False) for key in (Key.ctrl, Key.shift, Key.cmd)] == ["event"] * 3
    assert fired == [Action.DESCRIBE_SCREEN]
