"""Errors a user can meet: each says what happened and what to do next, on one line."""

from __future__ import annotations


class InkscopeError(Exception):
    """Base for every error shown to a user.

    ``message`` says what happened, ``advice`` what to do next; ``str()`` joins them on one line.
    """

    def __init__(self, message: str, advice: str = "") -> None:
        self.message = _one_line(message)
        self.advice = _one_line(advice)
        super().__init__(self.user_text)

    @property
    def user_text(self) -> str:
        return f"{self.message} {self.advice}".strip() if self.advice else self.message


class ImageError(InkscopeError):
    """An input that is not a usable image (missing, empty, broken, too large, not an image)."""


class VideoError(ImageError):
    """A video input that cannot be described (unreadable, no picture, empty, too large)."""


class ModelError(InkscopeError):
    """The model cannot be found, downloaded or loaded."""


class ModelNotFoundError(ModelError):
    """The model is not on this machine and cannot be downloaded now."""


class DownloadError(ModelNotFoundError):
    """The model is not on this machine, and downloading it failed or is switched off. ``is_offline`` says which:
    the tray app offers to try again (and says how to go online), the command line says what to run."""

    def __init__(self, message: str, advice: str = "", *, is_offline: bool = False) -> None:
        super().__init__(message, advice)
        self.is_offline = is_offline


class GenerationError(InkscopeError):
    """Generation failed part-way (out of memory, a broken model, a crashed worker)."""


class InputFailedError(GenerationError):
    """One input failed in a way nobody foresaw (a bug, a library's own error): a row of its own, the run goes on.
    The traceback goes to the log file, not to the terminal."""

    @classmethod
    def from_exception(cls, error: BaseException) -> InputFailedError:
        text = " ".join(str(error).split())[:200] or "no details"
        return cls(f"Describing it failed unexpectedly ({type(error).__name__}: {text}).",
                   "The details are in Inkscope's log file, inkscope-desktop.log in its data folder.")


class CaptureError(InkscopeError):
    """The screen, a window or a region could not be captured (no display, nothing there, not supported)."""


class HotkeyError(InkscopeError):
    """A hotkey chord is invalid, duplicated, or cannot be listened for here."""


class InstanceError(InkscopeError):
    """Talking to the running app failed (none running, refused, unknown action)."""


class SettingsError(InkscopeError):
    """A setting has a value the app cannot use, or the settings file cannot be read or written."""


class HistoryError(InkscopeError):
    """The caption history cannot be opened, read or written (disk full, no permission, a broken file)."""


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
