"""Keeps the caption window's history list and the history database in step (GUI thread only).

It listens to the handle of each job the describe flow starts: a finished caption is listed and saved, a finished
answer is saved with its caption. With history off there is no store: the list then holds this session's
captions only, and nothing is written. Each database call is one short transaction; a failure is shown as a
one-line error and the app goes on.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QImage

from PySide6.QtWidgets import QFileDialog

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.history import HistoryStore, export_json, export_markdown, open_history

if TYPE_CHECKING:
    from PIL import Image

    from inkscope_desktop.core.types import CaptionRequest, CaptionResult
    from inkscope_desktop.qt.flows.describe_flow import DescribeFlow, JobContext
    from inkscope_desktop.qt.runtime.jobs import CaptionJob
    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow
    from inkscope_desktop.settings import PrivacySettings

log = logging.getLogger(__name__)

THUMBNAIL_SIDE = 160
RECENT_LIMIT = 200


class HistoryKeeper:
    """Saves finished captions and follow-ups; fills the window's list from the database at start."""

    def __init__(self, window: CaptionWindow, store: HistoryStore | None, describe: DescribeFlow | None = None,
                 privacy: PrivacySettings | None = None) -> None:
        self._window = window
        self._store = store
        self._privacy = privacy
        self._ids: dict[int, int] = {}  # the window list's index -> database id
        self._current: int | None = None  # the database id of the caption follow-ups belong to
        window.history_deleted.connect(self.delete)
        window.export_requested.connect(self.ask_to_export)
        if describe is not None:
            describe.job_started.connect(self._follow)

    def _follow(self, job: CaptionJob, context: JobContext) -> None:
        def finished(result: CaptionResult) -> None:
            if context.is_answer:
                self.answer_added(job.request.prompt, result.text)
            else:
                index = self._window.add_history_entry(context.thumbnail, context.label, result.text)
                self.caption_added(index, job.request, result, context.conversation.image)

        job.finished.connect(finished)

    def use(self, privacy: PrivacySettings) -> None:
        """New privacy settings (a settings listener): history turned on or off, thumbnails, retention."""
        old, self._privacy = self._privacy, privacy
        store = self._store
        if old is None or privacy.history != old.history or store is None:
            self.set_store(open_history(privacy))
            return
        store.keep_thumbnails = privacy.thumbnails
        store.max_age_days, store.max_entries = privacy.retention_days, privacy.max_entries
        try:
            store.apply_retention(privacy.retention_days, privacy.max_entries)
        except InkscopeError as error:
            self._window.show_error(error.user_text)

    def ask_to_export(self) -> None:
        """Ask where to, then write every saved caption as Markdown or JSON (Ctrl+E)."""
        path, _ = QFileDialog.getSaveFileName(self._window, "Export history", "inkscope-history.md",
                                              "Markdown (*.md);;JSON (*.json)")
        if not path:
            return
        try:
            self._window.notify(self.export(Path(path)))
        except InkscopeError as error:
            self._window.show_error(error.user_text)

    @property
    def store(self) -> HistoryStore | None:
        return self._store

    def set_store(self, store: HistoryStore | None) -> None:
        """Use ``store`` from now on (None: history turned off; what is listed stays until the app ends)."""
        if self._store is not None and self._store is not store:
            self._store.close()
        self._store = store
        self._current = None

    def load_recent(self) -> None:
        """Add the newest saved captions to the window's list (oldest first, so the newest ends on top)."""
        if self._store is None:
            return
        try:
            for entry in reversed(self._store.search("", limit=RECENT_LIMIT)):
                thumbnail = None
                if entry.has_thumbnail:
                    data = self._store.thumbnail(entry.id)
                    thumbnail = QImage.fromData(data) if data else None
                self._ids[self._window.add_history_entry(thumbnail, entry.source, entry.caption)] = entry.id
            notice = self._store.take_notice()  # a damaged database was moved aside
            if notice:
                self._window.show_error(notice)
        except InkscopeError as error:
            self._window.show_error(error.user_text)

    def caption_added(self, index: int, request: CaptionRequest, result: CaptionResult,
                      image: Image.Image | None) -> None:
        """Save a finished caption shown at list index ``index`` (``image`` None: a video, no thumbnail)."""
        self._current = None
        if self._store is None:
            return
        thumbnail = _png_thumbnail(image) if image is not None and self._store.keep_thumbnails else None
        try:
            entry_id = self._store.add_caption(None, request.source, request.prompt, result.text,
                                               engine=result.engine, timings=result.timings.as_dict(),
                                               thumbnail_png=thumbnail, subject=request.subject)
        except InkscopeError as error:
            self._window.show_error(error.user_text)
            return
        self._ids[index] = entry_id
        self._current = entry_id

    def answer_added(self, question: str, answer: str) -> None:
        """Save a follow-up answer with the caption it is about."""
        if self._store is None or self._current is None:
            return
        try:
            self._store.add_follow_up(self._current, question, answer)
        except InkscopeError as error:
            self._window.show_error(error.user_text)

    def delete(self, index: int) -> None:
        entry_id = self._ids.pop(index, None)
        if self._store is None or entry_id is None:
            return
        try:
            self._store.delete(entry_id)
        except InkscopeError as error:
            self._window.show_error(error.user_text)

    def delete_all(self) -> str:
        """Delete every saved caption; returns what to tell the user."""
        if self._store is None:
            return "History is off: nothing is saved."
        try:
            count = self._store.delete_all()
        except InkscopeError as error:
            return error.user_text
        self._ids.clear()
        self._current = None
        return f"Deleted {count} saved caption{'' if count == 1 else 's'}."

    def export(self, path: Path) -> str:
        """Write every saved caption to ``path`` (JSON for .json, else Markdown); returns what to tell the user."""
        if self._store is None:
            raise InkscopeError("History is off, so there is nothing to export.",
                                "Turn history on in Settings, Privacy.")
        entries = self._store.search("", limit=None)
        text = export_json(entries) if path.suffix.lower() == ".json" else export_markdown(entries)
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise InkscopeError(f"Could not write {path} ({error.strerror or error}).",
                                "Choose another folder.") from None
        return f"Exported {len(entries)} caption{'' if len(entries) == 1 else 's'} to {path}."


def _png_thumbnail(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    buffer = io.BytesIO()
    small.save(buffer, "PNG")
    return buffer.getvalue()
