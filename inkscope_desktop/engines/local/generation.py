"""Running ``model.generate`` off the caller's thread: one long-lived generation thread per engine, a streamer
that counts tokens, and a stopping criterion that ends generation within one token of a cancel.

The thread lives as long as the loaded model. A compiled decode step records its CUDA graphs per thread
(torch's CUDA-graph trees are thread-local), so a new thread per request would record them again every time.
"""

from __future__ import annotations

import functools
import queue
import threading
import time
from collections.abc import Callable, Generator
from typing import Any

#: How often the consumer wakes while waiting for a token, to notice a cancel or a dead job.
POLL_S = 0.05


class GenerationThread:
    """A daemon thread that runs submitted jobs one after another, until ``close``."""

    def __init__(self, name: str = "inkscope-generate") -> None:
        self._jobs: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._idle = threading.Condition()
        self._pending = 0
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                job()
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def submit(self, job: Callable[[], None]) -> None:
        if not self._thread.is_alive():
            raise RuntimeError("the generation thread has been closed")
        with self._idle:
            self._pending += 1
        self._jobs.put(job)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no job runs or waits; False if that did not happen within ``timeout`` seconds."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def call(self, function: Callable[[], Any]) -> Any:
        """Run ``function`` on this thread and return its result (or raise its error) here."""
        done = threading.Event()
        outcome: dict[str, Any] = {}

        def job() -> None:
            try:
                outcome["value"] = function()
            except BaseException as error:  # noqa: BLE001 - re-raised on the caller's thread
                outcome["error"] = error
            finally:
                done.set()

        self.submit(job)
        done.wait()
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("value")

    @property
    def ident(self) -> int | None:
        return self._thread.ident

    def close(self) -> None:
        """Let queued jobs finish, then end the thread."""
        if self._thread.is_alive():
            self._jobs.put(None)
            if threading.current_thread() is not self._thread:
                self._thread.join()


class GenerateRun:
    """One ``model.generate`` call on a GenerationThread: its chunks, its error, and a stop within a token."""

    def __init__(self, worker: GenerationThread, model: Any, inputs: dict[str, Any], streamer: Any,
                 kwargs: dict[str, Any], cancel: threading.Event,
                 before: Callable[[], None] | None = None) -> None:
        from transformers import StoppingCriteriaList

        self._worker = worker
        self._stop = threading.Event()
        self._done = threading.Event()
        self._cancel = cancel
        self._streamer = streamer
        self.error: BaseException | None = None
        criteria = StoppingCriteriaList([EventStoppingCriteria(cancel, self._stop)])
        self._model = model
        self._before = before  # runs on the generation thread, in inference mode, right before generate
        self._kwargs = dict(inputs, streamer=streamer, stopping_criteria=criteria, **kwargs)

    def start(self) -> None:
        self._worker.submit(self._run)

    def _run(self) -> None:
        import torch

        try:
            with torch.inference_mode():
                if self._before is not None:
                    self._before()
                self._model.generate(**self._kwargs)
        except BaseException as error:  # noqa: BLE001 - handed to the consumer, which raises it
            self.error = error
            self._streamer.end()  # wake the consumer now instead of at its next poll
        finally:
            self._kwargs, self._before = {}, None  # drop the inputs (GPU tensors) as soon as the job ends
            self._done.set()

    def chunks(self) -> Generator[str, None, None]:
        """Text as the streamer releases it; ends when generation ends, fails, or is cancelled."""
        while True:
            try:
                chunk = next(self._streamer)
            except StopIteration:
                return
            except queue.Empty:
                if self._cancel.is_set():
                    return
                if self._done.is_set():  # ended: what it queued before ending is still ours
                    yield from self._drain()
                    return
                continue
            if chunk:
                yield chunk

    def _drain(self) -> Generator[str, None, None]:
        while True:
            try:
                chunk = self._streamer.text_queue.get_nowait()
            except queue.Empty:
                return
            if chunk is self._streamer.stop_signal:
                return
            if chunk:
                yield chunk

    def stop_and_join(self) -> None:
        self._stop.set()
        self._done.wait()


class EventStoppingCriteria:
    """Ends generation after the current token once either event is set."""

    def __init__(self, *events: threading.Event) -> None:
        self._events = events

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        import torch

        is_set = any(event.is_set() for event in self._events)
        return torch.full((input_ids.shape[0],), is_set, dtype=torch.bool, device=input_ids.device)


@functools.cache
def _token_streamer_class() -> type:
    from transformers import TextIteratorStreamer

    class TokenStreamer(TextIteratorStreamer):
        """A TextIteratorStreamer that also counts new tokens and notes when the first and last arrived."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.new_tokens = 0
            self.first_token_at: float | None = None
            self.last_token_at: float | None = None

        def put(self, value: Any) -> None:
            if not (self.skip_prompt and self.next_tokens_are_prompt):
                now = time.perf_counter()
                self.new_tokens += int(value.shape[-1]) if value.dim() > 1 else int(value.numel())
                self.first_token_at = self.first_token_at or now
                self.last_token_at = now
            super().put(value)

    return TokenStreamer


def token_streamer(tokenizer: Any, **kwargs: Any) -> Any:
    """A TokenStreamer (the class is built on first use, so importing this module does not import torch)."""
    return _token_streamer_class()(tokenizer, **kwargs)
