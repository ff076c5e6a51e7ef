"""Chord parsing and validation: display form round-trips, nonsense and duplicates get one-line errors."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import HotkeyError
from inkscope_desktop.hotkeys import Chord, Modifier, parse_bindings, validate_bindings
from inkscope_desktop.hotkeys.chords import NAVIGATION_CHORDS
from inkscope_desktop.hotkeys.keys import KEY_ALIASES, KEYS, MODIFIER_ALIASES

PLATFORMS = ["linux", "win32", "darwin"]


@st.composite
def chords(draw) -> Chord:
    key = draw(st.sampled_from(sorted(KEYS)))
    modifiers = draw(st.sets(st.sampled_from(list(Modifier))))
    if not KEYS[key].may_stand_alone and not modifiers & {Modifier.CTRL, Modifier.ALT, Modifier.SUPER}:
        modifiers.add(draw(st.sampled_from([Modifier.CTRL, Modifier.ALT, Modifier.SUPER])))
    assume((frozenset(modifiers), key) not in NAVIGATION_CHORDS)
    return Chord(frozenset(modifiers), key)


def spellings(value: Modifier | str) -> list[str]:
    if isinstance(value, Modifier):
        return [alias for alias, modifier in MODIFIER_ALIASES.items() if modifier is value]
    return [alias for alias, spec in KEY_ALIASES.items() if spec.name == value]


@given(chords())
def test_the_display_form_round_trips(chord):
    assert Chord.parse(str(chord)) == chord
    assert str(Chord.parse(str(chord))) == str(chord)


@given(chords(), st.sampled_from(PLATFORMS))
def test_every_platform_label_parses_back(chord, platform):
    assert Chord.parse(chord.label(platform)) == chord


@given(chords(), st.randoms(use_true_random=False))
def test_any_order_case_alias_and_spacing_parse_to_the_same_chord(chord, rnd):
    parts = [rnd.choice(spellings(m)) for m in chord.modifiers] + [rnd.choice(spellings(chord.key))]
    rnd.shuffle(parts)
    parts = [rnd.choice([p, p.upper(), p.title()]) for p in parts]
    assert Chord.parse(rnd.choice(["+", " + "]).join(parts)) == chord


@given(st.text(max_size=30))
def test_arbitrary_text_parses_or_raises_a_one_line_hotkey_error(text):
    try:
        chord = Chord.parse(text)
    except HotkeyError as exc:
        assert "\n" not in str(exc) and exc.advice
    else:
        assert Chord.parse(str(chord)) == chord


@pytest.mark.parametrize("text, normal, pynput", [
    ("Ctrl+Alt+Shift+D", "Ctrl+Alt+Shift+D", "<ctrl>+<alt>+<shift>+d"),
    ("ctrl+shift+f12", "Ctrl+Shift+F12", "<ctrl>+<shift>+<f12>"),
    ("super+alt+space", "Alt+Super+Space", "<alt>+<cmd>+<space>"),
    ("Control + Option + Return", "Ctrl+Alt+Enter", "<ctrl>+<alt>+<enter>"),
    ("win+shift+PgUp", "Shift+Super+PageUp", "<shift>+<cmd>+<page_up>"),
    ("meta+page_down", "Super+PageDown", "<cmd>+<page_down>"),
    ("cmd+alt+print", "Alt+Super+PrintScreen", "<alt>+<cmd>+<print_screen>"),
    ("ctrl+alt+,", "Ctrl+Alt+Comma", "<ctrl>+<alt>+,"),
    ("ctrl+alt+escape", "Ctrl+Alt+Esc", "<ctrl>+<alt>+<esc>"),
    ("F13", "F13", "<f13>"),
    ("shift+f24", "Shift+F24", "<shift>+<f24>"),
    ("play", "PlayPause", "<media_play_pause>"),
])
def test_examples_normalise(text, normal, pynput):
    chord = Chord.parse(text)
    assert (str(chord), chord.pynput_form) == (normal, pynput)


def test_platform_labels_use_the_names_users_know():
    chord = Chord.parse("ctrl+alt+shift+super+d")
    assert chord.label("win32") == "Ctrl+Alt+Shift+Win+D"
    assert chord.label("darwin") == "Control+Option+Shift+Command+D"
    assert chord.label("linux") == str(chord) == "Ctrl+Alt+Shift+Super+D"


@pytest.mark.parametrize("text, says", [
    ("", "empty"),
    ("   ", "empty"),
    ("ctrl+", "empty part"),
    ("+d", "empty part"),
    ("ctrl++d", "empty part"),
    ("ctrl+alt", "no key"),
    ("super", "no key"),
    ("ctrl+foo", "unknown key name 'foo'"),
    ("ctrl+alt+f25", "unknown key name 'f25'"),
    ("hyper+d", "unknown key name 'hyper'"),
    ("ctrl+a+b", "more than one key (A and B)"),
    ("ctrl+control+d", "names Ctrl twice"),
    ("d", "take over"),
    ("f5", "take over F5"),
    ("shift+d", "typing a capital D"),
    ("shift+1", "typing a symbol"),
    ("shift+f5", "take over Shift+F5"),
    ("shift+enter", "take over Shift+Enter"),
    ("ctrl+tab", "Ctrl+Tab cannot be a hotkey: it would take over switching tabs"),
    ("ctrl+shift+tab", "take over switching tabs"),
    ("ctrl+pgup", "take over switching tabs"),
    ("ctrl+page_down", "take over switching tabs"),
    ("alt+tab", "take over switching windows"),
    ("esc", "take over Esc"),
    ("tab", "take over Tab"),
])
def test_nonsense_gets_a_one_line_error_with_advice(text, says):
    with pytest.raises(HotkeyError) as caught:
        Chord.parse(text)
    assert says in caught.value.message
    assert caught.value.advice and "\n" not in str(caught.value)


def test_keys_no_app_types_with_may_stand_alone():
    assert str(Chord.parse("f13")) == "F13"
    assert str(Chord.parse("mute")) == "Mute"


def test_the_constructor_checks_the_same_rules():
    with pytest.raises(HotkeyError):
        Chord(frozenset({Modifier.SHIFT}), "d")
    with pytest.raises(HotkeyError):
        Chord(frozenset({Modifier.CTRL}), "nonsense")
    assert Chord({Modifier.CTRL, Modifier.ALT}, "d") == Chord.parse("alt+ctrl+d")
    assert len({Chord.parse("ctrl+alt+d"), Chord.parse("Alt+Control+D")}) == 1


def test_duplicates_name_the_chord_and_both_actions():
    chord = Chord.parse("ctrl+alt+shift+d")
    with pytest.raises(HotkeyError) as caught:
        validate_bindings({Action.REPEAT_LAST: chord, Action.DESCRIBE_SCREEN: Chord.parse("Shift+Ctrl+Alt+D")})
    assert caught.value.message == "Ctrl+Alt+Shift+D is bound to both Describe screen and Repeat last."
    assert "\n" not in str(caught.value)


def test_duplicate_labels_drop_the_menu_ellipsis():
    chord = Chord.parse("ctrl+alt+shift+g")
    with pytest.raises(HotkeyError) as caught:
        validate_bindings({Action.DESCRIBE_REGION: chord, Action.ASK_FOLLOW_UP: chord})
    assert caught.value.message.endswith("both Describe region and Ask a follow-up.")


def test_bindings_must_be_actions_to_chords():
    with pytest.raises(HotkeyError):
        validate_bindings({Action.DESCRIBE_SCREEN: "ctrl+alt+shift+d"})  # type: ignore[dict-item]


def test_parse_bindings_reads_settings_text_and_names_the_action_in_errors():
    bindings = parse_bindings({"describe-screen": "ctrl+alt+shift+d", Action.STOP_SPEAKING: "Ctrl+Alt+Shift+M"})
    assert bindings == {Action.DESCRIBE_SCREEN: Chord.parse("Ctrl+Alt+Shift+D"),
                        Action.STOP_SPEAKING: Chord.parse("Ctrl+Alt+Shift+M")}
    with pytest.raises(HotkeyError, match="^Stop speaking: The hotkey 'ctrl\\+' has an empty part"):
        parse_bindings({"stop-speaking": "ctrl+"})
    with pytest.raises(HotkeyError, match="Unknown action 'shout'"):
        parse_bindings({"shout": "ctrl+alt+shift+s"})
    with pytest.raises(HotkeyError, match="bound to both"):
        parse_bindings({"describe-screen": "ctrl+alt+shift+d", "repeat-last": "ctrl+shift+alt+d"})
