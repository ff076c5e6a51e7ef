"""The caption service runs one job at a time on its worker; the newest request wins."""

from __future__ import annotations

import queue
import threading

import pytest
from PIL import Image

from inkscope_desktop.core.errors import ModelNotFoundError
from inkscope_desktop.core.service import (
    TERMINAL_EVENTS, CaptionService, Chunk, Dropped, Failed, Finished, LoadFailed, Loading, Queued, Ready, Started,
)
from inkscope_desktop.core.types import CaptionRequest
from inkscope_desktop.engines.fake import FakeEngine

TIMEOUT = 10


class Recorder:
    def __init__(self) -> None:
        self.events: queue.Queue = queue.Queue()
        self.seen: list = []

    def __call__(self, event) -> None:
        self.events.put(event)

    def until(self, kind, predicate=lambda event: True):
        while True:
            event = self.events.get(timeout=TIMEOUT)
            self.seen.append(event)
            if isinstance(event, kind) and predicate(event):
                return event


def _request(text: str = "Describe.") -> CaptionRequest:
    return CaptionRequest(image=Image.linear_gradient("L").convert("RGB"), prompt=text)


@pytest.fixture
def run_service():
    services = []

    def make(engine):
        recorder = Recorder()
        service = CaptionService(engine, recorder)
        service.start()
        services.append(service)
        return service, recorder

    yield make
    for service in services:
        service.stop()


def test_loads_then_streams_a_caption_in_order(run_service):
    service, events = run_service(FakeEngine("One two three."))
    events.until(Ready)
    job = service.submit(_request())
    finished = events.until(Finished)
    assert finished.job_id == job and finished.result.text == "One two three."
    kinds = [type(event) for event in events.seen]
    assert kinds[0] is Loading and kinds[1] is Ready and kinds[2] is Started
    chunks = [event for event in events.seen if isinstance(event, Chunk)]
    assert "".join(chunk.text for chunk in chunks) == "One two three."
    assert [chunk.tokens for chunk in chunks] == [1, 2, 3]  # the engine's running count, for tokens/s


def test_a_burst_of_requests_ends_with_one_caption_of_the_last(run_service):
    service, events = run_service(FakeEngine("a b c d e f", chunk_delay_s=0.05))
    events.until(Ready)
    ids = [service.submit(_request(f"request {n}")) for n in range(20)]
    final = events.until(Finished, lambda event: event.job_id == ids[-1])
    assert not final.was_cancelled and final.result.prompt == "request 19"
    finished = [event for event in events.seen if isinstance(event, Finished)]
    assert [event.job_id for event in finished if not event.was_cancelled] == [ids[-1]]
    assert all(len(event.result.text.split()) <= 2 for event in finished[:-1])  # each cut off at once
    assert not service.is_busy
    with pytest.raises(queue.Empty):  # no backlog: nothing else runs afterwards
        events.events.get(timeout=0.3)


def test_a_new_request_cancels_the_running_one(run_service):
    service, events = run_service(FakeEngine("a b c d e f g h", chunk_delay_s=0.2))
    events.until(Ready)
    first = service.submit(_request("first"))
    events.until(Chunk, lambda event: event.job_id == first)
    second = service.submit(_request("second"))
    cancelled = events.until(Finished, lambda event: event.job_id == first)
    assert cancelled.was_cancelled
    assert events.until(Finished, lambda event: event.job_id == second).result.prompt == "second"


def test_requests_made_while_loading_wait_and_then_run(run_service):
    service, events = run_service(FakeEngine("Done.", load_delay_s=0.4))
    job = service.submit(_request())
    assert events.until(Queued).job_id == job
    events.until(Ready)
    assert events.until(Finished).job_id == job


def test_a_load_failure_is_reported(run_service):
    class MissingModel(FakeEngine):
        def load(self, progress=None):
            raise ModelNotFoundError("The model is not downloaded.", "Run: inkscope-desktop model download")

    _, events = run_service(MissingModel())
    assert "model download" in str(events.until(LoadFailed).error)


def test_an_engine_failure_is_reported_and_the_worker_goes_on(run_service):
    service, events = run_service(FakeEngine("a b c", fail_after=1))
    events.until(Ready)
    service.submit(_request())
    assert "failed on purpose" in str(events.until(Failed).error)
    service.submit(_request())
    events.until(Failed)


def test_a_broken_listener_does_not_kill_the_worker():
    calls = []
    done = threading.Event()

    def listener(event):
        calls.append(event)
        if isinstance(event, Finished):
            done.set()
        if isinstance(event, Chunk):
            raise RuntimeError("listener bug")

    service = CaptionService(FakeEngine("a b"), listener)
    service.start()
    service.submit(_request())
    assert done.wait(TIMEOUT)
    service.stop()


def test_cancel_drops_the_waiting_job_and_stops_the_running_one(run_service):
    service, events = run_service(FakeEngine("a b c d e f", chunk_delay_s=0.2))
    events.until(Ready)
    job = service.submit(_request())
    events.until(Started)
    service.cancel()
    assert events.until(Finished, lambda event: event.job_id == job).was_cancelled


def test_stop_ends_the_worker_thread():
    service = CaptionService(FakeEngine("a b c", chunk_delay_s=5), lambda event: None)
    service.start()
    service.submit(_request())
    service.stop()
    assert not any(t.name == "inkscope-caption-worker" and t.is_alive() for t in threading.enumerate())


class _PreparingEngine(FakeEngine):
    """Loads like the Qwen2-VL engine on a GPU: a stage after the files are read (the fast path's warm-up)."""

    def load(self, progress=None) -> None:
        if not self.is_loaded:
            self.report_stage("Preparing the GPU for fast descriptions…")
        super().load(progress)


def test_a_loading_stage_the_engine_reports_becomes_a_loading_event(run_service):
    service, events = run_service(_PreparingEngine("Done."))
    events.until(Ready)
    loading = [event for event in events.seen if isinstance(event, Loading)]
    assert loading[0] == Loading() and loading[1] == Loading(stage="Preparing the GPU for fast descriptions…")
    assert isinstance(events.seen[-1], Ready)


def _terminal(events, job_id):
    return [e for e in events.seen if isinstance(e, TERMINAL_EVENTS) and e.job_id == job_id]


def test_every_job_of_a_burst_ends_exactly_once(run_service):
    service, events = run_service(FakeEngine("a b c d e f", chunk_delay_s=0.05))
    events.until(Ready)
    ids = [service.submit(_request(f"request {n}")) for n in range(10)]
    events.until(Finished, lambda event: event.job_id == ids[-1])
    for job_id in ids:
        ended = _terminal(events, job_id)
        assert len(ended) == 1, (job_id, ended)
    assert {type(_terminal(events, job_id)[0]) for job_id in ids[:-1]} <= {Dropped, Finished}


def test_a_job_waiting_for_the_model_is_dropped_by_a_newer_one_and_by_cancel(run_service):
    service, events = run_service(FakeEngine("Done.", load_delay_s=0.3))
    first = service.submit(_request("first"))
    second = service.submit(_request("second"))
    assert events.until(Dropped).job_id == first
    service.cancel(second)
    assert events.until(Dropped).job_id == second
    third = service.submit(_request("third"))
    assert events.until(Finished).job_id == third


def test_cancel_with_an_id_leaves_other_jobs_alone(run_service):
    service, events = run_service(FakeEngine("a b c", chunk_delay_s=0.05))
    events.until(Ready)
    job = service.submit(_request())
    service.cancel(job + 100)  # not this job
    finished = events.until(Finished)
    assert finished.job_id == job and not finished.was_cancelled


def test_after_a_load_failure_waiting_and_later_jobs_fail_with_its_error(run_service):
    class Broken(FakeEngine):
        def load(self, progress=None):
            import time
            time.sleep(0.2)
            raise ModelNotFoundError("The model is missing.", "Download it.")

    service, events = run_service(Broken())
    waiting = service.submit(_request())
    failed = events.until(Failed)
    assert failed.job_id == waiting and failed.error.message == "The model is missing."
    later = service.submit(_request())
    assert events.until(Failed).job_id == later


def test_stop_drops_the_waiting_job_and_later_jobs():
    recorder = Recorder()
    service = CaptionService(FakeEngine("x", load_delay_s=0.5), recorder)
    service.start()
    waiting = service.submit(_request())
    service.stop()
    assert recorder.until(Dropped).job_id == waiting
    later = service.submit(_request())
    assert recorder.until(Dropped).job_id == later
