"""The caption window settings group: whether each description shows the window, and whether it takes the focus."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from inkscope_desktop.settings import checks
from inkscope_desktop.settings.group import Group


@dataclass(frozen=True)
class WindowSettings(Group):
    """``show_for_each_description``: with a tray icon, each new description shows the caption window (without
    taking the focus), so a sighted helper or a low-vision user can read along. ``focus_for_each_description``:
    each description also moves the keyboard focus to the window (off: the focus stays in the user's program
    unless they ask for the window)."""

    show_for_each_description: bool = True
    focus_for_each_description: bool = False

    CHECKS = MappingProxyType({
        "show_for_each_description": checks.boolean("Show the caption window for each description"),
        "focus_for_each_description": checks.boolean("Move focus to the caption window for each description"),
    })
