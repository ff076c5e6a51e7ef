"""The app controller: turns actions into captures and caption requests, and service events into the window."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.conversation import Conversation
from inkscope_desktop.core.prompts import preset_prompt
from inkscope_desktop.core.service import (
    CaptionService, Chunk, Failed, Finished, LoadFailed, Loading, Queued, Ready, ServiceEvent, Started,
)
from inkscope_desktop.core.types import CaptionRequest, Detail
from inkscope_desktop.qt.flows.capture_flow import CaptureFlow, bring_to_front
from inkscope_desktop.qt.flows.history_keeper import HistoryKeeper
from inkscope_desktop.qt.widgets.images import pil_to_qimage
from inkscope_desktop.qt.flows.status_presenter import StatusPresenter

if TYPE_CHECKING:
    from PIL import Image
    from PySide6.QtGui import QImage

    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow
    from inkscope_desktop.qt.widgets.tray import TrayIcon

log = logging.getLogger(__name__)


@dataclass
class DescribeOptions:
    """What a new caption asks: the prompt text (the default preset's), detail, reply language, length."""

    prompt: str = field(default_factory=lambda: preset_prompt("screen"))
    detail: Detail = Detail.NORMAL
    language: str | None = None
    max_new_tokens: int = 512


class AppController(QObject):
    """Owns the current conversation; everything here runs on the GUI thread.

    Service events arrive through a queued bridge (``handle_event``), actions from hotkeys, IPC and menus
    through ``handle_action``. A new request replaces the running one (the service cancels it); several
    dropped images are described one after the other. Captures are taken by a :class:`CaptureFlow`, and the
    status line and tray are told what goes on by a :class:`StatusPresenter`.

    Signals, for speech and for tests: ``caption_started(source)``, ``chunk_shown(text)`` once a chunk is in
    the window, ``caption_finished(result)`` for a completed answer, ``caption_stopped()`` when one was
    cancelled, ``error_shown(message)`` for every error the user is told about.
    """

    caption_started = Signal(str)
    chunk_shown = Signal(str)
    caption_finished = Signal(object)
    caption_stopped = Signal()
    error_shown = Signal(str)
    stop_speaking = Signal()  # the user asked for silence (speech goes on after a caption is finished)
    action_received = Signal(object)  # an Action, before it is carried out

    def __init__(self, service: CaptionService, window: "CaptionWindow", capturer: Any,
                 options: DescribeOptions | None = None, tray: "TrayIcon | None" = None,
                 region_picker: Any = None, history: HistoryKeeper | None = None) -> None:
        super().__init__(window)
        self._keeper = history
        #: False while Inkscope speaks captions itself: the finished text is then not announced as well.
        self.announce_captions = True
        #: Speaks a text now (narration's ``say``); None: repeat-last is announced to the screen reader instead.
        self.speak: Callable[[str], None] | None = None
        self._service = service
        self._window = window
        self._options = options or DescribeOptions()
        self._status = StatusPresenter(window, tray)
        self._capture = CaptureFlow(window, capturer, region_picker, self.describe, self._status.fail, self)
        self._conversation: Conversation | None = None
        self._request: CaptionRequest | None = None
        self._job_id: int | None = None
        self._thumbnail = None
        self._batch: deque[tuple[Image.Image, str]] = deque()
        self._last_caption = ""
        self._is_question = False  # whether the current request is a follow-up, not a caption
        self._waiting_question: str | None = None  # asked while the caption was still being written
        #: Actions handled elsewhere (the video flow's "describe the last seconds of the screen").
        self.action_handlers: dict[Action, Callable[[], None]] = {}
        window.question_submitted.connect(self.ask)
        window.retry_requested.connect(self.retry)
        window.images_received.connect(self.describe_images)
        window.history_selected.connect(self._history_selected)
        window.error_shown.connect(self.error_shown)
        self._load_error: str | None = None

    @property
    def is_describing(self) -> bool:
        """Whether a caption or answer has been asked for and has not ended yet."""
        return self._job_id is not None

    @property
    def options(self) -> DescribeOptions:
        return self._options

    @options.setter
    def options(self, options: DescribeOptions) -> None:
        """Used from the next caption on (settings changed)."""
        self._options = options

    def set_service(self, service: CaptionService) -> None:
        """Send requests to ``service`` from now on (a new model); the current caption is forgotten."""
        self._service = service
        self._job_id = None
        self._load_error = None
        self._batch.clear()

    # --- actions ---------------------------------------------------------------------------------
    def handle_action(self, action: object) -> None:
        action = Action(action)
        log.info("Action %s", action.value)
        self.action_received.emit(action)
        if action in self.action_handlers:
            self.action_handlers[action]()
        elif action is Action.DESCRIBE_SCREEN:
            self._capture.describe_screen()
        elif action is Action.DESCRIBE_WINDOW:
            self._capture.describe_window()
        elif action is Action.DESCRIBE_REGION:
            self.pick_region()
        elif action is Action.DESCRIBE_CLIPBOARD:
            self.describe_clipboard()
        elif action is Action.ASK_FOLLOW_UP:
            self._show_window()
            self._window.focus_question()
        elif action is Action.REPEAT_LAST:
            text = self._last_caption or "There is no caption yet."
            if self.speak is not None:
                self.speak(text)
            else:
                self._window.announcer.announce(text)
        elif action is Action.STOP_SPEAKING:
            self.stop_speaking.emit()
            self._batch.clear()
            self._capture.drop_pending()
            self._waiting_question = None
            self._service.cancel()
            if self._job_id is not None:  # stopped here: a job that was still waiting sends no events
                self._job_id = None
                self._status.stopped()
                self.caption_stopped.emit()
        elif action is Action.TOGGLE_WINDOW and self._window.isVisible():
            self._window.hide()
        elif action in (Action.TOGGLE_WINDOW, Action.SHOW_WINDOW):
            self._show_window()

    def pick_region(self) -> None:
        """Let the user pick a part of the screen and describe it (the window is out of the way meanwhile)."""
        self._capture.pick_region()

    def describe_clipboard(self) -> None:
        """The clipboard's image, or the image files copied in a file manager (errors go to the status)."""
        self._window.paste_image()

    def describe_images(self, images: list) -> None:
        """Describe several images one after the other (drops and pastes)."""
        self._batch.extend(images)
        if self._job_id is None and self._batch:
            self._next_in_batch()

    def _next_in_batch(self) -> None:
        image, label = self._batch.popleft()
        self.describe(image, label, keep_batch=True)

    # --- requests --------------------------------------------------------------------------------
    def describe(self, image: "Image.Image", label: str, *, subject: str = "image",
                 keep_batch: bool = False) -> None:
        if not keep_batch:
            self._batch.clear()
        options = self._options
        self._conversation = Conversation(image, subject=subject, source=label, detail=options.detail,
                                          language=options.language, max_new_tokens=options.max_new_tokens)
        self._window.begin_caption(label, options.prompt)
        self._thumbnail = pil_to_qimage(image, max_side=96)
        self.caption_started.emit(label)
        self._submit(self._conversation.request(options.prompt))

    def describe_video(self, conversation: Conversation, request: CaptionRequest, label: str,
                       thumbnail: "QImage | None" = None) -> None:
        """Describe a video clip (``request``, maybe in parts); follow-ups ask ``conversation`` about it."""
        self._batch.clear()
        self._conversation = conversation
        self._window.begin_caption(label, request.prompt)
        self._thumbnail = thumbnail
        self.caption_started.emit(label)
        self._submit(request)

    def ask(self, question: str) -> None:
        """Ask about the current image; asked while its caption is still being written, the question waits
        for the caption to finish (so the answer has it as context) instead of cancelling it."""
        if self._conversation is None:
            self._status.fail("There is no image to ask about yet. Describe the screen or an image first.")
            return
        if self._job_id is not None and not self._is_question:
            self._waiting_question = question
            self._window.set_status("Your question will be asked as soon as the caption is finished.")
            return
        self._window.begin_answer(question)
        self.caption_started.emit(question)
        self._submit(self._conversation.request(question), is_question=True)

    def retry(self) -> None:
        if self._request is None:
            self._status.fail("There is nothing to retry yet.")
            return
        if self._is_question:
            self._window.begin_answer(self._request.prompt)
        else:
            self._window.begin_caption(self._request.source, self._request.prompt)
        self.caption_started.emit(self._request.prompt if self._is_question else self._request.source)
        self._submit(self._request, is_question=self._is_question)

    def _submit(self, request: CaptionRequest, *, is_question: bool = False) -> None:
        self._capture.drop_pending()  # this newer request replaces a capture still waiting for the window
        self._waiting_question = None
        self._request = request
        self._is_question = is_question
        if self._load_error is not None:  # the worker has ended: say why again rather than wait forever
            self._status.fail(self._load_error)
            return
        self._status.new_request()
        self._job_id = self._service.submit(request)
        self._status.thinking()

    # --- service events --------------------------------------------------------------------------
    def handle_event(self, event: ServiceEvent) -> None:
        if isinstance(event, Loading):
            self._status.loading(event)
        elif isinstance(event, Ready):
            self._status.ready(is_describing=self._job_id is not None)
        elif isinstance(event, LoadFailed):
            self._job_id = None
            self._batch.clear()
            self._load_error = event.error.user_text
            self._status.fail(self._load_error)
        elif isinstance(event, Queued):
            self._status.queued()
        elif getattr(event, "job_id", None) != self._job_id:
            return  # a superseded job: its late events are not shown
        elif isinstance(event, Started):
            pass
        elif isinstance(event, Chunk):
            self._window.append_chunk(event.text)
            self._status.show_rate(event.tokens)
            self.chunk_shown.emit(event.text)
        elif isinstance(event, Finished):
            self._finished(event)
        elif isinstance(event, Failed):
            self._job_id = None
            self._waiting_question = None
            self._status.fail(event.error.user_text)
            if self._batch:
                self._next_in_batch()

    def _finished(self, event: Finished) -> None:
        self._job_id = None
        result = event.result
        if event.was_cancelled:
            self._waiting_question = None
            self._status.stopped()
            self.caption_stopped.emit()
        else:
            assert self._conversation is not None and self._request is not None
            self._conversation.record(self._request, result.text)
            self._last_caption = result.text
            self._window.finish_caption(result, announce_text=self.announce_captions)
            if not self._is_question:  # a caption, not a follow-up answer
                index = self._window.add_history_entry(self._thumbnail, self._request.source, result.text)
                if self._keeper is not None:
                    self._keeper.caption_added(index, self._request, result, self._conversation.image)
            elif self._keeper is not None:
                self._keeper.answer_added(self._request.prompt, result.text)
            self._status.done()
            self.caption_finished.emit(result)
            question, self._waiting_question = self._waiting_question, None
            if question is not None:
                self.ask(question)
                return
        if self._batch:
            self._next_in_batch()

    def load_history(self) -> None:
        """Put the saved captions in the window's list (at start)."""
        if self._keeper is not None:
            self._keeper.load_recent()

    def _history_selected(self, index: int) -> None:
        """The window already shows the entry's caption; "repeat last" now repeats it."""
        self._last_caption = self._window.history_caption(index)

    def _show_window(self) -> None:
        bring_to_front(self._window)
