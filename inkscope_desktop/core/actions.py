"""The actions a user can trigger by hotkey, tray menu or the ``trigger`` command, by their stable names."""

from __future__ import annotations

from enum import Enum


class Action(str, Enum):
    """One thing the app can be asked to do; the value is the name used by hotkeys, IPC and the CLI."""

    DESCRIBE_SCREEN = "describe-screen"
    DESCRIBE_WINDOW = "describe-window"
    DESCRIBE_REGION = "describe-region"
    DESCRIBE_CLIPBOARD = "describe-clipboard"
    DESCRIBE_RECENT_SCREEN = "describe-recent-screen"
    ASK_FOLLOW_UP = "ask-follow-up"
    REPEAT_LAST = "repeat-last"
    STOP_SPEAKING = "stop-speaking"
    STOP_DESCRIBING = "stop-describing"
    TOGGLE_WINDOW = "toggle-window"
    SHOW_WINDOW = "show-window"

    @property
    def label(self) -> str:
        """The menu text: "Describe screen", "Ask a follow-up" ..."""
        return _LABELS[self]

    @classmethod
    def parse(cls, name: str) -> "Action":
        """The action called ``name`` (case and surrounding space ignored); ValueError for anything else."""
        try:
            return cls(name.strip().lower())
        except ValueError:
            known = ", ".join(action.value for action in cls)
            raise ValueError(f"Unknown action {name!r}. Known actions: {known}.") from None


_LABELS = {
    Action.DESCRIBE_SCREEN: "Describe screen",
    Action.DESCRIBE_WINDOW: "Describe active window",
    Action.DESCRIBE_REGION: "Describe region…",
    Action.DESCRIBE_CLIPBOARD: "Describe clipboard image",
    Action.DESCRIBE_RECENT_SCREEN: "Describe the last seconds of the screen",
    Action.ASK_FOLLOW_UP: "Ask a follow-up…",
    Action.REPEAT_LAST: "Repeat last",
    Action.STOP_SPEAKING: "Stop speaking",
    Action.STOP_DESCRIBING: "Stop describing",
    Action.TOGGLE_WINDOW: "Show or hide window",
    Action.SHOW_WINDOW: "Show window",
}
