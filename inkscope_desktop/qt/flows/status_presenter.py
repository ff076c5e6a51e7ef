"""What the status line and the tray icon say about the model and the caption being written."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from inkscope_desktop.qt.widgets.icons import IconState

if TYPE_CHECKING:
    from inkscope_desktop.core.service import Loading
    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow
    from inkscope_desktop.qt.widgets.tray import TrayIcon

#: The "generating at N tokens/s" status is refreshed at most this often (it is not announced).
RATE_REFRESH_S = 0.5


class StatusPresenter:
    """Puts each state in the caption window's status line (announced unless said otherwise) and in the tray:
    its icon shows the state, its tooltip the text. What the user must hear once even with Inkscope's own voice
    (the model is ready, a long loading stage, why a request failed) also goes to the window's messages, which
    are spoken or announced once (``CaptionWindow.notify``). GUI thread only."""

    def __init__(self, window: "CaptionWindow", tray: "TrayIcon | None" = None) -> None:
        self._window = window
        self._tray = tray
        self._first_chunk_at = 0.0
        self._rate_shown_at = 0.0
        self._has_chunk = False

    def set_state(self, state: IconState, text: str, *, is_error: bool = False, announce: bool = True) -> None:
        self._window.set_status(text, is_error=is_error, announce=announce)
        if self._tray is not None:
            self._tray.set_state(state, f"Inkscope: {text}")

    def fail(self, message: str) -> None:
        """The request (or the model) failed: the status line says why, and the message is said once."""
        self.set_state(IconState.ERROR, message, is_error=True, announce=False)
        self._window.show_error(message)

    def loading(self, event: "Loading") -> None:
        """"Loading the model…" or what a long load does now (announced), or the download's progress (not
        announced)."""
        text = event.stage or "Loading the model…"
        downloading = bool(event.total) and event.done < event.total
        if downloading:
            text = f"Downloading the model: {100 * event.done // event.total} %"
        elif event.total and not event.stage:
            text = "The model is downloaded; loading it…"  # not "100 %" for the minute the load takes
        is_news = self._window.status_text() != text  # the end of a download may be reported more than once
        self.set_state(IconState.LOADING, text, announce=not downloading and not event.stage and is_news)
        if event.stage:
            self._window.notify(event.stage)  # a long stage (preparing the GPU): said once, kept

    def ready(self, *, is_describing: bool) -> None:
        text = "Inkscope ready; describing now." if is_describing else "Inkscope ready"
        self.set_state(IconState.WORKING if is_describing else IconState.IDLE, text, announce=False)
        self._window.notify(text)

    def queued(self) -> None:
        self._window.set_status("Waiting for the model to finish loading; your request will run then.")

    def new_request(self) -> None:
        """A request is about to be sent: its first chunk will say "Generating…" again."""
        self._has_chunk = False

    def thinking(self) -> None:
        self.set_state(IconState.WORKING, "Thinking…")

    def stopped(self) -> None:
        self.set_state(IconState.IDLE, "Stopped.")

    def done(self) -> None:
        """Back to idle, keeping the window's "Done: …" line (already announced with the caption)."""
        self.set_state(IconState.IDLE, self._window.status_text(), announce=False)

    def show_rate(self, tokens: int) -> None:
        """"Generating…" at the first chunk, then "Generating at N tokens/s" now and then (never announced)."""
        now = time.monotonic()
        if not self._has_chunk:
            self._has_chunk = True
            self._first_chunk_at = self._rate_shown_at = now
            self._window.set_status("Generating…", announce=False)
        elif tokens > 1 and now - self._rate_shown_at >= RATE_REFRESH_S:
            self._rate_shown_at = now
            rate = (tokens - 1) / (now - self._first_chunk_at)
            self._window.set_status(f"Generating at {rate:.0f} tokens/s", announce=False)
