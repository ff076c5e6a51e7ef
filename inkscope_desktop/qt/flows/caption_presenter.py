"""Shows each caption job in the caption window and the status line, and the model's state while it loads."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from inkscope_desktop.core.errors import DownloadError, InkscopeError, ModelError

if TYPE_CHECKING:
    from inkscope_desktop.core.service import Loading
    from inkscope_desktop.core.types import CaptionResult
    from inkscope_desktop.qt.flows.describe_flow import DescribeFlow, JobContext
    from inkscope_desktop.qt.flows.status_presenter import StatusPresenter
    from inkscope_desktop.qt.runtime.engine_host import EngineHost
    from inkscope_desktop.qt.runtime.jobs import CaptionJob
    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow


#: What the app offers after a failed download, instead of the command line's advice.
RETRY_ADVICE = ("Check the internet connection, then choose Try loading the model again (Alt+T), or Settings, "
                "Model, Download.")


def load_failure_text(error: InkscopeError) -> str:
    """The line the app says when the model failed to load: a failed download gets the app's own advice."""
    if isinstance(error, DownloadError) and not error.is_offline:
        return f"{error.message} {RETRY_ADVICE}"
    return error.user_text


class CaptionPresenter:
    """Listens to every job the describe flow starts: heading, chunks as they come, "Done: …", errors, "Stopped.".

    ``is_spoken()`` says whether Inkscope speaks captions itself; the finished text is then not also announced to
    the screen reader, so two voices never read it. GUI thread only.
    """

    def __init__(self, window: CaptionWindow, status: StatusPresenter, describe: DescribeFlow, host: EngineHost,
                 *, is_spoken: Callable[[], bool] = lambda: False) -> None:
        self._window = window
        self._status = status
        self._describe = describe
        self._is_spoken = is_spoken
        self._host = host
        describe.job_started.connect(self._show)
        host.loading.connect(self._loading)
        host.ready.connect(self._ready)
        host.load_failed.connect(self._load_failed)

    def _show(self, job: CaptionJob, context: JobContext) -> None:
        if context.is_answer and context.is_retry:  # the same question again: shown once, with its new answer
            conversation = context.conversation
            self._window.show_history_text(conversation.turns[0].answer if conversation.turns else "",
                                           conversation.source, conversation.follow_ups())
            self._window.begin_answer(context.label)
        elif context.is_answer:
            self._window.begin_answer(context.label)
        else:
            self._window.begin_caption(context.label)
        self._status.new_request()
        if self._host.load_error is None:  # else the job fails at once with the load error
            self._status.thinking()
        job.queued.connect(self._status.queued)
        job.chunk.connect(self._chunk)
        job.finished.connect(self._finished)
        job.failed.connect(self._failed)
        job.stopped.connect(lambda: None if job.was_replaced else self._status.stopped())

    def _chunk(self, text: str, tokens: int) -> None:
        self._window.append_chunk(text)
        self._status.show_rate(tokens)

    def _finished(self, result: CaptionResult) -> None:
        self._window.finish_caption(result, announce_text=not self._is_spoken())
        self._status.done()

    def _loading(self, event: Loading) -> None:
        self._window.offer_load_retry(False)
        self._status.loading(event)

    def _ready(self, _event: object) -> None:
        self._window.offer_load_retry(False)
        self._status.ready(is_describing=self._describe.is_describing)

    def _load_failed(self, error: InkscopeError) -> None:
        """The model could not be loaded: said once (by the waiting job's failure, when one waits), and, unless
        offline mode forbids it, a button (Alt+T) tries again."""
        can_retry = not (isinstance(error, DownloadError) and error.is_offline)
        self._window.offer_load_retry(can_retry)
        if not self._describe.is_describing:
            self._status.fail(load_failure_text(error))

    def _failed(self, error: object) -> None:
        if isinstance(error, ModelError) and self._host.load_error is error:
            self._status.fail(load_failure_text(error))
        else:
            self._status.fail(error.user_text if isinstance(error, InkscopeError) else str(error))
