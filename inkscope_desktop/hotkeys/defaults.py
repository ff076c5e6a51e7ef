"""Default hotkeys for every action, chosen to stay clear of screen readers, desktops and common apps."""

from __future__ import annotations

import sys

from inkscope_desktop.core.actions import Action
from inkscope_desktop.hotkeys.chords import Chord

DEFAULT_KEYS: dict[Action, str] = {
    Action.DESCRIBE_SCREEN: "D",
    Action.DESCRIBE_WINDOW: "W",
    Action.DESCRIBE_REGION: "G",
    Action.DESCRIBE_CLIPBOARD: "B",
    Action.DESCRIBE_RECENT_SCREEN: "H",
    Action.ASK_FOLLOW_UP: "F",
    Action.REPEAT_LAST: "P",
    Action.STOP_SPEAKING: "M",
    Action.STOP_DESCRIBING: "J",
    Action.TOGGLE_WINDOW: "K",
}
"""The letter of each action's default chord; the modifiers depend on the platform."""

UNBOUND_BY_DEFAULT = frozenset({Action.SHOW_WINDOW})
"""Actions with no default chord: "show-window" is for scripts and a second launch; toggle-window has a key."""


def default_modifiers(platform: str | None = None) -> str:
    """"Ctrl+Alt+Shift" on Linux and Windows; "Ctrl+Shift+Super" (Control+Shift+Command) on macOS."""
    return "Ctrl+Shift+Super" if (platform or sys.platform) == "darwin" else "Ctrl+Alt+Shift"


def default_bindings(platform: str | None = None) -> dict[Action, Chord]:
    """A fresh mapping of every action to its default chord on ``platform`` (``sys.platform`` if omitted).

    Family: Ctrl+Alt+Shift+letter on Linux and Windows, Ctrl+Shift+Command+letter on macOS. The listener takes
    its chords (an X grab, a Windows RegisterHotKey, the macOS event tap), so the focused app never gets
    them: a default must be free in the desktop (or it is reported as taken) *and* rarely used by apps, whose
    own shortcut would stop working while Inkscope runs.

    Each default, on Linux and Windows (macOS: Ctrl+Shift+Cmd and the same letter), and why that letter:
    - Describe screen, D: D for describe; Ctrl+Alt+D (show desktop on some desktops,
      Magnifier's docked view) has no Shift, so it is a different chord.
    - Describe active window, W: W for window; free in the screen readers and desktops below.
    - Describe region, G: reGion; R is taken by GNOME's screencast (Shift+Ctrl+Alt+R).
    - Describe clipboard image, B: clipBoard; V is LibreOffice's and JetBrains' "paste unformatted", C is
      JetBrains' "copy reference".
    - Describe the last seconds of the screen, H: H for what Happened; free below.
    - Ask a follow-up, F: F for follow-up; free below.
    - Repeat last, P: P for play again / previous; L types Polish Ł on Windows (Ctrl+Alt = AltGr).
    - Stop speaking, M: M for mute; S opens Word's Styles pane and types Ś on Polish Windows, X types Ź.
    - Stop describing, J: next to K (the window) and M (mute) on the home row; Q, the obvious "quiet", is half
      of macOS's lock screen (Ctrl+Cmd+Q), U types € with AltGr on Polish and German layouts, E is € on German
      ones; JAWS starts with Ctrl+Alt+J, which has no Shift, so it is a different chord.
    - Show or hide window, K: inKscope; I opens Firefox's Browser Toolbox, O types Polish Ó.

    What the family avoids:
    - NVDA, JAWS, Narrator, Orca: their commands hang off Insert / Caps Lock (NVDA key, JAWS key, Narrator key,
      Orca modifier; also KP_Insert). No default uses Insert or Caps Lock. NVDA starts with Ctrl+Alt+N and JAWS
      with Ctrl+Alt+J (desktop shortcuts, exact modifiers); NVDA and JAWS move in tables with Ctrl+Alt+arrows;
      Narrator toggles with Ctrl+Win+Enter; screen readers stop speech with Ctrl alone: none of these collide.
    - Windows: Win+Shift+S (snip), Ctrl+Alt+Del, Ctrl+Shift+Esc, the Office key chords Ctrl+Alt+Shift+Win+letter
      (they include Win), Magnifier's Ctrl+Alt+letter (no Shift). On layouts with AltGr, Windows treats Ctrl+Alt as
      AltGr, so Ctrl+Alt+Shift+letter can type a character: Polish types ĄĆĘŁŃÓŚŹŻ on A C E L N O S X Z, so those
      letters are out.
    - GNOME / KDE / Xfce / Cinnamon: Ctrl+Alt+T (terminal), Ctrl+Alt+L (lock), Ctrl+Alt+D (show desktop),
      Ctrl+Alt+arrows and Ctrl+Alt+Shift+arrows (workspaces, move window), Shift+Ctrl+Alt+R (GNOME screencast),
      KDE's Ctrl+Alt+Shift+Del / PageUp / PageDown (log out, reboot, shut down without asking), Super+... (GNOME
      shell, Super+Alt+S toggles Orca): no default uses arrows, Delete, PageUp/PageDown, R or Super.
    - macOS: Cmd+Shift+3/4/5 (screenshots), Ctrl+Shift+Cmd+3/4 (screenshot to clipboard), VoiceOver's VO keys
      (Ctrl+Option, so Ctrl+Option+Shift is VO+Shift: the Linux family would collide), Cmd+Option+Shift+Esc and
      +Q (force quit, log out at once): Ctrl+Shift+Cmd+letter avoids all of them.
    """
    modifiers = default_modifiers(platform)
    return {action: Chord.parse(f"{modifiers}+{key}") for action, key in DEFAULT_KEYS.items()}
