"""The describe flow: starts caption and follow-up requests about the current image and hands out their job handles."""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.conversation import Conversation
from inkscope_desktop.core.prompts import preset_prompt
from inkscope_desktop.core.types import CaptionRequest, CaptionResult, Detail
from inkscope_desktop.qt.widgets.images import pil_to_qimage

if TYPE_CHECKING:
    from PIL import Image
    from PySide6.QtGui import QImage

    from inkscope_desktop.qt.flows.status_presenter import StatusPresenter
    from inkscope_desktop.qt.runtime.action_registry import ActionRegistry
    from inkscope_desktop.qt.runtime.jobs import CaptionJob
    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow
    from inkscope_desktop.settings import Settings
    from inkscope_desktop.settings.overrides import Overrides

log = logging.getLogger(__name__)

NO_IMAGE_YET = "There is no image to ask about yet. Describe the screen or an image first."
#: Said where the question would go when the caption chosen in the history has no image kept in memory.
IMAGE_NOT_KEPT = ("The image of this caption is no longer kept, so it cannot be asked about. Describe it again to "
                  "ask a question.")
#: The longest caption or answer, in tokens.
MAX_NEW_TOKENS = 512


class JobSubmitter(Protocol):
    """Where requests go: the engine host (or a test's stand-in)."""

    def submit(self, request: CaptionRequest) -> CaptionJob: ...


@dataclass(frozen=True)
class DescribeOptions:
    """What a new caption asks: the prompt text (the default preset's), detail, reply language, length."""

    prompt: str = field(default_factory=lambda: preset_prompt("screen"))
    detail: Detail = Detail.NORMAL
    language: str | None = None
    max_new_tokens: int = MAX_NEW_TOKENS


def options_from(settings: Settings, overrides: Overrides) -> DescribeOptions:
    """What each request asks for under ``settings``: the prompt and detail level (this run's --preset/--detail
    win)."""
    prompts = settings.prompts
    return DescribeOptions(prompt=prompts.prompt(overrides.preset), detail=overrides.detail or settings.model.detail,
                           language=prompts.language, max_new_tokens=overrides.max_new_tokens or MAX_NEW_TOKENS)


@dataclass(frozen=True)
class JobContext:
    """What a job is for, as the window, the history and narration need it: a caption of ``label`` (its source) or
    the answer to the question ``label``, in ``conversation``; ``thumbnail`` for the history list."""

    is_answer: bool
    label: str
    conversation: Conversation
    thumbnail: QImage | None = None
    is_retry: bool = False  # asked again (Alt+R): an answer's earlier try is replaced, not repeated


class DescribeFlow(QObject):
    """Owns the current conversation and its job; everything here runs on the GUI thread.

    Every request goes through here: ``describe`` (an image), ``describe_video``, ``ask`` (a follow-up),
    ``retry``. Each returns the request's :class:`CaptionJob`; ``job_started(job, context)`` tells the window,
    history and narration about it before its first event, so they listen to that handle. A new request stops
    the running one (its handle ends with ``stopped``, ``was_replaced`` True). Several dropped or pasted images
    are described one after another. ``stop()`` (Stop speaking) ends the running job, drops what waits, and emits
    ``interrupted`` for the parts that hold something in flight of their own (a capture, a recording, speech).
    Stop speaking is narration's: it silences the voice and nothing else.
    """

    job_started = Signal(object, object)  # CaptionJob, JobContext
    interrupted = Signal()

    def __init__(self, jobs: JobSubmitter, window: CaptionWindow, status: StatusPresenter,
                 options: DescribeOptions | None = None) -> None:
        super().__init__(window)
        self._jobs = jobs
        self._window = window
        self._status = status
        self._options = options or DescribeOptions()
        self._conversation: Conversation | None = None
        self._job: CaptionJob | None = None
        self._last: tuple[CaptionRequest, JobContext] | None = None  # for retry
        self._batch: deque[tuple[Image.Image, str]] = deque()
        self._waiting_question: str | None = None  # asked while the caption was still being written
        self._request_count = 0
        self._why_no_image: str | None = None  # why there is no conversation to ask about, when there was one
        window.question_submitted.connect(self.ask)
        window.retry_requested.connect(self.retry)
        window.images_received.connect(self.describe_images)

    def register_actions(self, registry: ActionRegistry) -> None:
        registry.register(Action.DESCRIBE_CLIPBOARD, self._window.paste_image)
        registry.register(Action.STOP_DESCRIBING, self.stop)

    @property
    def options(self) -> DescribeOptions:
        return self._options

    def use(self, options: DescribeOptions) -> None:
        """Ask with ``options`` from the next request on (a settings listener)."""
        self._options = options

    @property
    def current_job(self) -> CaptionJob | None:
        return self._job

    @property
    def request_count(self) -> int:
        """How many requests the user has made so far, counted from the moment of asking (before a capture that
        waits for the window to hide, or a region being picked): a part that goes on by itself later (the video
        queue) compares it to know whether the user has asked for something else meanwhile."""
        return self._request_count

    def note_request(self) -> None:
        """The user asked for a new description that starts a little later (a capture, a recording)."""
        self._request_count += 1

    @property
    def is_describing(self) -> bool:
        """Whether a caption or answer has been asked for and has not ended yet."""
        return self._job is not None and not self._job.is_done

    # --- requests --------------------------------------------------------------------------------
    def describe(self, image: Image.Image, label: str, *, subject: str = "image") -> CaptionJob:
        """Describe ``image`` (from ``label``); dropped images still waiting are forgotten."""
        self._batch.clear()
        return self._describe(image, label, subject)

    def describe_images(self, images: list[tuple[Image.Image, str]]) -> None:
        """Describe several images one after the other (drops and pastes)."""
        self.note_request()
        self._batch.extend(images)
        if not self.is_describing and self._batch:
            self._next_in_batch()

    def describe_video(self, conversation: Conversation, request: CaptionRequest, label: str,
                       thumbnail: QImage | None = None) -> CaptionJob:
        """Describe a video clip (``request``, maybe in parts); follow-ups ask ``conversation`` about it."""
        self._batch.clear()
        return self._start(request, JobContext(False, label, conversation, thumbnail))

    def ask(self, question: str) -> CaptionJob | None:
        """Ask about the current image; asked while its caption is still being written, the question waits for the
        caption to finish (so the answer has it as context) instead of cancelling it. None when it cannot be
        asked now (no image yet: the status says so; or it waits)."""
        conversation = self._conversation
        if conversation is None:
            self._status.fail(self._why_no_image or NO_IMAGE_YET)
            return None
        if self.is_describing and self._last is not None and not self._last[1].is_answer:
            self._waiting_question = question
            self._window.notify("Your question will be asked as soon as the caption is finished.")
            return None
        return self._start(conversation.request(question), JobContext(True, question, conversation))

    def retry(self) -> CaptionJob | None:
        """Send the last request again."""
        if self._last is None:
            self._status.fail("There is nothing to retry yet.")
            return None
        request, context = self._last
        if context.is_answer:  # asked once: the earlier answer, if it came, gives way to the new one
            context.conversation.drop_last_turn(request)
        else:  # the caption again, as a new entry: the earlier one keeps its own conversation
            context = replace(context, conversation=context.conversation.restarted())
        return self._start(request, replace(context, is_retry=True))

    def resume(self, conversation: Conversation) -> None:
        """Ask about ``conversation`` from now on (a caption recalled from the history whose image is kept)."""
        self._cancel_running()
        self._conversation, self._why_no_image = conversation, None
        self._last = None
        self._window.set_question_notice(None)

    def forget_conversation(self, reason: str) -> None:
        """There is nothing to ask about now (a recalled caption whose image is no longer kept); ``reason`` says
        so in the question box, and is the answer to a question asked anyway."""
        self._cancel_running()
        self._conversation, self._why_no_image = None, reason
        self._last = None
        self._window.set_question_notice(reason)

    def _cancel_running(self) -> None:
        self._waiting_question = None
        if self._job is not None and not self._job.is_done:
            self._job.cancel(replaced=True)

    def stop(self) -> None:
        """Stop describing: end the running job, and speech, and drop everything waiting (images, a question, a
        capture, a recording)."""
        self._batch.clear()
        self._waiting_question = None
        self.interrupted.emit()
        if self._job is not None:
            self._job.cancel()

    # --- private ---------------------------------------------------------------------------------
    def _describe(self, image: Image.Image, label: str, subject: str) -> CaptionJob:
        options = self._options
        conversation = Conversation(image, subject=subject, source=label, detail=options.detail,
                                    language=options.language, max_new_tokens=options.max_new_tokens)
        context = JobContext(False, label, conversation, pil_to_qimage(image, max_side=96))
        return self._start(conversation.request(options.prompt), context)

    def _next_in_batch(self) -> None:
        image, label = self._batch.popleft()
        self._describe(image, label, "image")

    def _start(self, request: CaptionRequest, context: JobContext) -> CaptionJob:
        previous = self._job
        if previous is not None:
            previous.cancel(replaced=True)
        self._waiting_question = None
        self._request_count += 1
        if self._why_no_image is not None:
            self._why_no_image = None
            self._window.set_question_notice(None)
        self._conversation = context.conversation
        self._last = (request, context)
        job = self._jobs.submit(request)
        self._job = job
        self.job_started.emit(job, context)  # the window, history and narration connect first
        job.finished.connect(lambda result: self._finished(job, context, result))  # only the current job can finish
        job.failed.connect(self._failed)
        return job

    def _finished(self, job: CaptionJob, context: JobContext, result: CaptionResult) -> None:
        context.conversation.record(job.request, result.text)
        QTimer.singleShot(0, self, self._go_on)  # once every listener, the starter's too, has seen the job end

    def _failed(self, _error: object) -> None:
        self._waiting_question = None
        QTimer.singleShot(0, self, self._go_on)

    def _go_on(self) -> None:
        """After a job ended: the question that waited for its caption, else the next image of a drop."""
        if self.is_describing:
            return  # a newer request came first
        question, self._waiting_question = self._waiting_question, None
        if question is not None:
            self.ask(question)
        elif self._batch:
            self._next_in_batch()
