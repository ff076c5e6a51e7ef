"""Which X modifier bits stand for Ctrl, Alt, Shift, Super and the lock keys, read from the modifier mapping."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from inkscope_desktop.hotkeys.chords import Chord
from inkscope_desktop.hotkeys.keys import Modifier

SHIFT_MASK, LOCK_MASK, CONTROL_MASK = 1 << 0, 1 << 1, 1 << 2
"""The core protocol's fixed bits; Mod1 to Mod5 (1 << 3 to 1 << 7) mean whatever the modifier mapping says."""

# Keysym values from the X protocol's keysymdef.h (stable numbers, so no display is needed to use them).
NUM_LOCK, SCROLL_LOCK = 0xFF7F, 0xFF14
_KEYSYMS_OF = {
    Modifier.ALT: ((0xFFE9, 0xFFEA), (0xFFE7, 0xFFE8)),  # Alt_L, Alt_R; else Meta_L, Meta_R
    Modifier.SUPER: ((0xFFEB, 0xFFEC), (0xFFED, 0xFFEE)),  # Super_L, Super_R; else Hyper_L, Hyper_R
}


@dataclass(frozen=True)
class ModifierMasks:
    """The X state bits of each hotkey modifier, and of the lock keys a chord must work with.

    A passive grab matches the exact modifier state, so Caps Lock or Num Lock being on would stop a chord
    from firing; grabbing the chord once for every combination of the lock bits (``lock_combinations``)
    keeps it working whatever the lock keys say. A modifier with no bit (0) cannot be grabbed.
    """

    masks: dict[Modifier, int]
    locks: tuple[int, ...]

    @classmethod
    def from_mapping(cls, keysyms_by_bit: Sequence[Iterable[int]]) -> ModifierMasks:
        """From the keysyms on each of the 8 modifier bits (Shift, Lock, Control, Mod1 ... Mod5)."""
        on_bit = [set(keysyms) for keysyms in keysyms_by_bit]

        def bit_of(*keysyms: int) -> int:
            return next((1 << index for index in range(3, len(on_bit)) if on_bit[index] & set(keysyms)), 0)

        masks = {Modifier.SHIFT: SHIFT_MASK, Modifier.CTRL: CONTROL_MASK}
        for modifier, choices in _KEYSYMS_OF.items():
            masks[modifier] = next((bit for keysyms in choices if (bit := bit_of(*keysyms))), 0)
        locks = {LOCK_MASK, bit_of(NUM_LOCK), bit_of(SCROLL_LOCK)} - {0} - set(masks.values())
        return cls(masks, tuple(sorted(locks)))

    def chord_mask(self, chord: Chord) -> int | None:
        """The state bits of the chord's modifiers; None when one of them is on no modifier bit."""
        mask = 0
        for modifier in chord.modifiers:
            if not self.masks.get(modifier):
                return None
            mask |= self.masks[modifier]
        return mask

    def lock_combinations(self) -> list[int]:
        """Every combination of the lock bits (none, each alone, ... all), for one grab each."""
        return sorted({sum(chosen) for size in range(len(self.locks) + 1) for chosen in combinations(self.locks, size)})
