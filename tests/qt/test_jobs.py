"""Caption job handles over the real caption service and the fake engine: each request's outcome reaches its own
handle exactly once, a newer request or cancel() stops the old one, late events are ignored, and an ended handle
lets go of its listeners."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
from PIL import Image

from inkscope_desktop.core.errors import ModelNotFoundError
from inkscope_desktop.core.types import CaptionRequest
from inkscope_desktop.engines.fake import FakeEngine
from inkscope_desktop.qt.runtime.jobs import CaptionJobs

WAIT_MS = 5000


def request(text: str = "Describe.") -> CaptionRequest:
    pixels = np.random.default_rng(len(text)).integers(0, 256, (40, 60, 3), dtype=np.uint8)
    return CaptionRequest(image=Image.fromarray(pixels, "RGB"), prompt=text)


@pytest.fixture
def make_jobs(qapp):
    made = []

    def make(engine) -> CaptionJobs:
        jobs = CaptionJobs(engine)
        jobs.start()
        made.append(jobs)
        return jobs

    yield make
    for jobs in made:
        jobs.stop()


def outcomes(job) -> list:
    seen = []
    job.finished.connect(lambda result: seen.append(("finished", result)))
    job.failed.connect(lambda error: seen.append(("failed", error)))
    job.stopped.connect(lambda: seen.append(("stopped", None)))
    return seen


def test_a_job_streams_its_chunks_then_finishes_once(qtbot, make_jobs):
    jobs = make_jobs(FakeEngine("One two three."))
    job = jobs.submit(request())
    chunks = []
    job.chunk.connect(lambda text, tokens: chunks.append((text, tokens)))
    seen = outcomes(job)
    qtbot.waitUntil(lambda: job.is_done, timeout=WAIT_MS)
    qtbot.wait(50)
    assert [kind for kind, _ in seen] == ["finished"] and seen[0][1].text == "One two three."
    assert "".join(text for text, _ in chunks) == "One two three." and job.outcome == "finished"


def test_a_newer_request_stops_the_older_and_only_the_newer_finishes(qtbot, make_jobs):
    jobs = make_jobs(FakeEngine(" ".join(f"w{i}" for i in range(200)), chunk_delay_s=0.01))
    first = jobs.submit(request("first"))
    first_seen = outcomes(first)
    qtbot.waitUntil(lambda: first.outcome is None and jobs.service.is_busy, timeout=WAIT_MS)
    second = jobs.submit(request("second"))
    second_seen = outcomes(second)
    qtbot.waitUntil(lambda: first.is_done, timeout=WAIT_MS)
    assert first_seen == [("stopped", None)] and not first.was_replaced
    second.cancel(replaced=False)
    assert second_seen == [("stopped", None)] and second.outcome == "stopped"


def test_cancel_stops_at_once_and_late_events_are_ignored(qtbot, make_jobs):
    jobs = make_jobs(FakeEngine(" ".join(f"w{i}" for i in range(200)), chunk_delay_s=0.01))
    job = jobs.submit(request())
    chunks = []
    job.chunk.connect(lambda text, tokens: chunks.append(text))
    seen = outcomes(job)
    qtbot.waitUntil(lambda: bool(chunks), timeout=WAIT_MS)
    job.cancel(replaced=True)
    assert seen == [("stopped", None)] and job.was_replaced  # synchronous: no wait for the worker
    count = len(chunks)
    qtbot.wait(200)  # the worker's last chunks and its cancelled Finished arrive, and go nowhere
    assert len(chunks) == count and seen == [("stopped", None)]
    assert not jobs.is_busy


def test_a_load_failure_fails_the_waiting_job_and_every_later_one(qtbot, make_jobs):
    class Broken(FakeEngine):
        def load(self, progress=None):
            raise ModelNotFoundError("The model is missing.", "Download it in Settings, Model.")

    failures = []
    jobs = CaptionJobs(Broken())
    jobs.load_failed.connect(failures.append)
    waiting = jobs.submit(request())
    waiting_seen = outcomes(waiting)
    jobs.start()
    try:
        qtbot.waitUntil(lambda: waiting.is_done, timeout=WAIT_MS)
        assert waiting_seen[0][0] == "failed" and waiting_seen[0][1].message == "The model is missing."
        assert [error.message for error in failures] == ["The model is missing."]
        later = jobs.submit(request())
        later_seen = outcomes(later)
        qtbot.waitUntil(lambda: later.is_done, timeout=WAIT_MS)
        assert later_seen[0][0] == "failed"
    finally:
        jobs.stop()


def test_an_ended_handle_lets_go_of_its_listeners_and_its_image(qtbot, make_jobs):
    jobs = make_jobs(FakeEngine("Short."))
    job = jobs.submit(request())
    job.finished.connect(lambda result, job=job: None)  # a listener's closure holds the handle
    qtbot.waitUntil(lambda: job.is_done, timeout=WAIT_MS)
    handle = weakref.ref(job)
    del job
    gc.collect()
    assert handle() is None
