"""Keeps the caption window's history list and the history database in step (GUI thread only).

It listens to the handle of each job the describe flow starts: a finished caption is listed and saved, a finished
answer is saved with its caption. With history off there is no store: the list then holds this session's
captions only, and nothing is written. Each database call is one short transaction; a failure is shown as a
one-line error and the app goes on.
"""

from __future__ import annotations

import io
import logging
import weakref
from typing import TYPE_CHECKING

from PySide6.QtGui import QImage

from inkscope_desktop.core.conversation import Conversation
from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.kept_conversations import KeptConversations
from inkscope_desktop.history import HistoryStore, open_history
from inkscope_desktop.qt.flows.describe_flow import IMAGE_NOT_KEPT
from inkscope_desktop.settings import PrivacySettings

if TYPE_CHECKING:
    from PIL import Image

    from inkscope_desktop.core.types import CaptionRequest, CaptionResult
    from inkscope_desktop.qt.flows.describe_flow import DescribeFlow, JobContext
    from inkscope_desktop.qt.runtime.jobs import CaptionJob
    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow

log = logging.getLogger(__name__)

THUMBNAIL_SIDE = 160
RECENT_LIMIT = 200


class HistoryKeeper:
    """Saves finished captions and their follow-ups; fills the window's list from the database at start; recalls
    an entry chosen in the list with its conversation.

    The conversations of this run's captions are kept in memory (``KeptConversations``, bounded by the privacy
    settings' count and size, never on disk): recalling such an entry shows its questions and answers and lets
    the describe flow ask about it again. An entry of an earlier run, or one whose image was let go, shows what
    was saved and the question box says that its image is no longer kept. An answer is saved under the entry
    of its own conversation, whatever is shown meanwhile.
    """

    def __init__(self, window: CaptionWindow, store: HistoryStore | None, describe: DescribeFlow | None = None,
                 privacy: PrivacySettings | None = None) -> None:
        self._window = window
        self._store = store
        self._describe = describe
        self._privacy = privacy or PrivacySettings()
        self._ids: dict[int, int] = {}  # the window list's index -> database id
        self._kept = KeptConversations(self._privacy.kept_images, self._privacy.kept_images_mb * 2**20)
        self._index_of: weakref.WeakKeyDictionary[Conversation, int] = weakref.WeakKeyDictionary()
        self._saved_follow_ups: dict[int, tuple[tuple[str, str], ...]] = {}  # entries of earlier runs
        self._last_follow_up: dict[int, tuple[str, int]] = {}  # index -> (question, id) of its last saved answer
        window.history_deleted.connect(self.delete)
        window.history_selected.connect(self._recall)
        if describe is not None:
            describe.job_started.connect(self._follow)

    def _follow(self, job: CaptionJob, context: JobContext) -> None:
        conversation = context.conversation

        def finished(result: CaptionResult) -> None:
            if context.is_answer:
                self.answer_added(self._index_of.get(conversation), job.request.prompt, result.text,
                                  replaces_last=context.is_retry)
            else:
                index = self._window.add_history_entry(context.thumbnail, context.label, result.text)
                self._index_of[conversation] = index
                self._kept.keep(index, conversation)
                self.caption_added(index, job.request, result, conversation.image)

        job.finished.connect(finished)

    def _recall(self, index: int) -> None:
        """The user chose entry ``index``: show it with its questions and answers, and ask about it from now on."""
        caption, label = self._window.history_caption(index), self._window.history_label(index)
        conversation = self._kept.get(index)
        if conversation is not None:
            self._window.show_history_text(caption, label, conversation.follow_ups())
            if self._describe is not None:
                self._describe.resume(conversation)
            return
        self._window.show_history_text(caption, label, self._saved_follow_ups.get(index, ()))
        if self._describe is not None:
            self._describe.forget_conversation(IMAGE_NOT_KEPT)

    def use(self, privacy: PrivacySettings) -> None:
        """New privacy settings (a settings listener): history turned on or off, thumbnails, retention, the images
        kept for questions."""
        old, self._privacy = self._privacy, privacy
        self._kept.resize(privacy.kept_images, privacy.kept_images_mb * 2**20)
        store = self._store
        if privacy.history != old.history or store is None:
            self.set_store(open_history(privacy))
            return
        store.keep_thumbnails = privacy.thumbnails
        store.max_age_days, store.max_entries = privacy.retention_days, privacy.max_entries
        try:
            store.apply_retention(privacy.retention_days, privacy.max_entries)
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
                index = self._window.add_history_entry(thumbnail, entry.source, entry.caption)
                self._ids[index] = entry.id
                self._saved_follow_ups[index] = tuple((f.question, f.answer) for f in entry.follow_ups)
            notice = self._store.take_notice()  # a damaged database was moved aside
            if notice:
                self._window.show_error(notice)
        except InkscopeError as error:
            self._window.show_error(error.user_text)

    def caption_added(self, index: int, request: CaptionRequest, result: CaptionResult,
                      image: Image.Image | None) -> None:
        """Save a finished caption shown at list index ``index`` (``image`` None: a video, no thumbnail)."""
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

    def answer_added(self, index: int | None, question: str, answer: str, *, replaces_last: bool = False) -> None:
        """Save a follow-up answer with the caption it is about, listed at ``index`` (None: not listed); with
        ``replaces_last``, the same question's earlier answer, if it was the last one saved, gives way."""
        entry_id = self._ids.get(index) if index is not None else None
        if self._store is None or entry_id is None or index is None:
            return
        try:
            last = self._last_follow_up.pop(index, None)
            if replaces_last and last is not None and last[0] == question:
                self._store.delete_follow_up(last[1])
            follow_up_id = self._store.add_follow_up(entry_id, question, answer)
            if follow_up_id is not None:
                self._last_follow_up[index] = (question, follow_up_id)
        except InkscopeError as error:
            self._window.show_error(error.user_text)

    def delete(self, index: int) -> None:
        self._kept.forget(index)
        self._saved_follow_ups.pop(index, None)
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
        self._saved_follow_ups.clear()
        return f"Deleted {count} saved caption{'' if count == 1 else 's'}."


def _png_thumbnail(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    buffer = io.BytesIO()
    small.save(buffer, "PNG")
    return buffer.getvalue()
