"""The base of every settings group: each field's check runs when a group is built, then the group's own check."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from inkscope_desktop.settings import checks


class Group:
    """Shared behaviour: run each field's check when built, then the group's own check."""

    CHECKS: Mapping[str, checks.Check] = MappingProxyType({})

    def __post_init__(self) -> None:
        for name, check in self.CHECKS.items():
            object.__setattr__(self, name, check(getattr(self, name)))
        self._check_group()

    def _check_group(self) -> None:
        """Rules between fields (a default preset that exists, distinct chords)."""
