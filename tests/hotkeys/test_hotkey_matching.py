"""Exact chord matching and the translation of pynput key objects, without a display."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from inkscope_desktop.core.actions import Action
from inkscope_desktop.hotkeys import Chord, Modifier
from inkscope_desktop.hotkeys.key_events import KeyTranslator
from inkscope_desktop.hotkeys.matcher import ChordMatcher

CTRL, ALT, SHIFT, SUPER = Modifier.CTRL, Modifier.ALT, Modifier.SHIFT, Modifier.SUPER


def matcher() -> ChordMatcher:
    return ChordMatcher({Action.DESCRIBE_SCREEN: Chord.parse("ctrl+alt+shift+d"),
                         Action.REPEAT_LAST: Chord.parse("ctrl+alt+d"),
                         Action.STOP_SPEAKING: Chord.parse("f13")})


def press_all(m: ChordMatcher, *tokens) -> list[Action | None]:
    return [m.press(token) for token in tokens]


def test_only_exactly_the_held_modifiers_match():
    m = matcher()
    assert press_all(m, CTRL, ALT, SHIFT, "d") == [None, None, None, Action.DESCRIBE_SCREEN]
    m.reset()
    assert press_all(m, CTRL, ALT, "d") == [None, None, Action.REPEAT_LAST]
    m.reset()
    assert press_all(m, CTRL, ALT, SHIFT, SUPER, "d")[-1] is None
    m.reset()
    assert press_all(m, "f13")[-1] is Action.STOP_SPEAKING
    m.reset()
    assert press_all(m, CTRL, "f13")[-1] is None


def test_a_held_key_fires_once_and_again_after_release():
    m = matcher()
    press_all(m, CTRL, ALT)
    assert [m.press("d"), m.press("d"), m.press("d")] == [Action.REPEAT_LAST, None, None]
    m.release("d")
    assert m.press("d") is Action.REPEAT_LAST


def test_releasing_one_of_two_ctrl_keys_keeps_ctrl_held():
    m = matcher()
    m.press(CTRL, "Control_L")
    m.press(CTRL, "Control_R")
    m.press(ALT)
    m.release(CTRL, "Control_L")
    assert m.press("d") is Action.REPEAT_LAST
    m.release("d")
    m.release(CTRL, "Control_R")
    assert m.press("d") is None


def test_rebinding_swaps_the_table_and_keeps_held_keys():
    m = matcher()
    press_all(m, CTRL, ALT)
    m.bindings = {Action.TOGGLE_WINDOW: Chord.parse("ctrl+alt+k")}
    assert m.press("d") is None
    assert m.press("k") is Action.TOGGLE_WINDOW
    assert m.bindings == {Action.TOGGLE_WINDOW: Chord.parse("ctrl+alt+k")}


@dataclass(frozen=True)
class Code:
    vk: int


class FakeKey(enum.Enum):
    """Stands in for pynput's Key: members whose value carries a ``vk``."""

    ctrl = Code(0xFFE3)
    ctrl_r = Code(0xFFE4)
    alt = Code(0xFFE9)
    alt_gr = Code(0xFF7E)
    page_up = Code(0xFF55)
    media_next = Code(0x1008FF17)


@dataclass
class FakeKeyCode:
    vk: int | None = None
    char: str | None = None


X11_TOKENS = {0xFFE7: ALT, 0xFFE9: ALT, 0x31: "1", 0x64: "d", 0xFFD5: "f24"}  # Meta_L, Alt_L, 1, d, F24


def test_x11_keys_translate_by_keysym_and_shifted_symbols_by_their_key():
    t = KeyTranslator(X11_TOKENS, unshift={0x21: 0x31, 0x44: 0x64, 0xFFE7: 0xFFE9})
    assert t.translate(FakeKey.ctrl) == (CTRL, 0xFFE3)
    assert t.translate(FakeKey.ctrl_r) == (CTRL, 0xFFE4)
    assert t.translate(FakeKey.alt) == (ALT, 0xFFE9)
    assert t.translate(FakeKeyCode(vk=0xFFE7)) == (ALT, 0xFFE9)  # Meta_L: Alt pressed while Shift is held
    assert t.translate(FakeKeyCode(vk=0x21, char="!")) == ("1", 0x31)
    assert t.translate(FakeKeyCode(vk=0x44, char="D")) == ("d", 0x64)
    assert t.translate(FakeKeyCode(vk=0xFFD5)) == ("f24", 0xFFD5)  # beyond pynput's Key enum on X11
    assert t.translate(FakeKey.page_up)[0] == "page_up"
    assert t.translate(FakeKey.media_next)[0] == "next_track"
    assert t.translate(FakeKey.alt_gr) is None
    assert t.translate(FakeKeyCode(vk=0)) is None and t.translate(None) is None


def test_elsewhere_characters_are_used():
    t = KeyTranslator.for_keymap(None)
    assert t.translate(FakeKeyCode(vk=2, char="D")) == ("d", "d")
    assert t.translate(FakeKeyCode(char=",")) == ("comma", "comma")
    assert t.translate(FakeKeyCode(char="é")) is None
