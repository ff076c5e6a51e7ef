"""The fake engine streams its script deterministically, honours cancel and limits, and can fail on cue."""

from __future__ import annotations

import threading
import time

import pytest
from PIL import Image

from inkscope_desktop.core.errors import GenerationError
from inkscope_desktop.core.types import CaptionRequest, StopReason
from inkscope_desktop.engines.fake import FakeEngine


def _request(**kwargs) -> CaptionRequest:
    image = Image.linear_gradient("L").convert("RGB").resize((320, 200))
    return CaptionRequest(image=image, prompt="What is this?", **kwargs)


def test_streams_the_script_word_by_word():
    stream = FakeEngine("One two three. Four five.").stream(_request())
    assert list(stream) == ["One", " two", " three.", " Four", " five."]
    assert stream.result.text == "One two three. Four five."
    assert stream.result.new_tokens == 5
    assert stream.result.stop_reason is StopReason.FINISHED
    assert stream.result.engine == "fake"


def test_default_script_names_the_image_and_the_question():
    text = FakeEngine().describe(_request(subject="window")).text
    assert text == (
        "This is the fake engine's answer number 1. The window is 320 by 200 pixels. You asked: What is this?"
    )


def test_is_deterministic():
    assert FakeEngine().describe(_request()).text == FakeEngine().describe(_request()).text


def test_max_new_tokens_truncates():
    result = FakeEngine("a b c d e f").describe(_request(max_new_tokens=3))
    assert result.text == "a b c"
    assert result.stop_reason is StopReason.LENGTH


def test_delays_are_applied_and_timed():
    engine = FakeEngine("a b c", first_chunk_delay_s=0.05, chunk_delay_s=0.01)
    result = engine.describe(_request())
    assert result.timings.first_token_s >= 0.05
    assert result.timings.decode_s >= 0.02


def test_cancel_interrupts_a_delay_at_once():
    cancel = threading.Event()
    engine = FakeEngine("a b c d", chunk_delay_s=10.0)
    stream = engine.stream(_request(), cancel)
    chunks = iter(stream)
    assert next(chunks) == "a"
    threading.Timer(0.05, cancel.set).start()
    started = time.monotonic()
    assert list(chunks) == []
    assert time.monotonic() - started < 5
    assert stream.result.stop_reason is StopReason.CANCELLED
    assert stream.result.text == "a"


def test_fail_after_raises_a_generation_error():
    with pytest.raises(GenerationError):
        FakeEngine("a b c d", fail_after=2).describe(_request())


def test_blank_images_get_the_notice_from_the_base_class():
    request = CaptionRequest(image=Image.new("RGB", (64, 64), "white"), prompt="x", subject="region")
    result = FakeEngine().describe(request)
    assert result.text == "The region is blank: solid white."
    assert result.stop_reason is StopReason.BLANK


def test_load_reports_progress_and_is_idempotent():
    seen = []
    engine = FakeEngine(load_delay_s=0.01)
    engine.load(progress=lambda done, total: seen.append((done, total)))
    engine.load(progress=lambda done, total: seen.append((done, total)))
    assert engine.is_loaded
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_load_without_delay_reports_no_download():
    seen = []
    FakeEngine().load(progress=lambda done, total: seen.append((done, total)))
    assert seen == []
