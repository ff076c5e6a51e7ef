"""The one-line problems a listener reports for a chord it cannot use, naming the chord and its action."""

from __future__ import annotations

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import HotkeyError
from inkscope_desktop.hotkeys.chords import Chord, action_name

_OTHERS_WORK = "the other hotkeys keep working."


def missing_keys_problem(action: Action, chord: Chord, missing: list[str]) -> HotkeyError:
    return HotkeyError(f"{chord} ({action_name(action)}) cannot work here: no key of this keyboard layout gives "
                       f"{' or '.join(missing)}.", f"Choose another chord for it; {_OTHERS_WORK}")


def taken_problem(action: Action, chord: Chord) -> HotkeyError:
    """Another program holds the chord (an X grab or a Windows hotkey), so Inkscope leaves it to that program."""
    return HotkeyError(f"{chord} ({action_name(action)}) is already taken by another program, so Inkscope "
                       "cannot use it.",
                       f"Choose another chord for it in Settings, Hotkeys, or free it in the other program; "
                       f"{_OTHERS_WORK}")


def refused_problem(action: Action, chord: Chord, code: int) -> HotkeyError:
    """The system refused the chord for another reason (Windows error ``code``)."""
    return HotkeyError(f"{chord} ({action_name(action)}) could not be registered as a hotkey (Windows error {code}).",
                       f"Choose another chord for it in Settings, Hotkeys; {_OTHERS_WORK}")
