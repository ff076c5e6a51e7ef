"""The engine registry: the CLI's --engine choices come from it, and an engine that cannot run here becomes the
null engine, whose load fails in one line through the real caption service."""

from __future__ import annotations

import importlib.util
import queue

import pytest
from PIL import Image

from inkscope_desktop.cli import build_parser
from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.service import CaptionService, Failed, LoadFailed
from inkscope_desktop.core.types import CaptionRequest
from inkscope_desktop.engines.local.qwen2vl import Qwen2VLEngine
from inkscope_desktop.engines.registry import ENGINES, create_engine, engine_names
from inkscope_desktop.engines.unavailable import UnavailableEngine


def test_the_cli_offers_exactly_the_registered_engines():
    describe = build_parser()._subparsers._group_actions[0].choices["describe"]
    engine = next(action for action in describe._actions if action.dest == "engine")
    assert tuple(engine.choices) == engine_names() == tuple(entry.name for entry in ENGINES)
    assert engine.default == "qwen2-vl"
    with pytest.raises(InkscopeError, match="Unknown engine 'nope'"):
        create_engine("nope")


def test_an_engine_whose_libraries_are_missing_becomes_the_null_engine_and_its_load_says_why(monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "qwen_vl_utils" else real_find_spec(name, *args))
    assert Qwen2VLEngine("some/model").availability_problem().message == \
        "The local model needs qwen-vl-utils, which is not installed."
    engine = create_engine("qwen2-vl", model="some/model")
    assert isinstance(engine, UnavailableEngine)

    events: queue.Queue = queue.Queue()
    service = CaptionService(engine, events.put)
    service.start()
    try:
        job = service.submit(CaptionRequest(image=Image.new("RGB", (8, 8), "white"), prompt="Describe."))
        seen = [events.get(timeout=5) for _ in range(3)]
    finally:
        service.stop()
    failed = next(event for event in seen if isinstance(event, LoadFailed))
    assert "qwen-vl-utils" in failed.error.user_text and "\n" not in failed.error.user_text
    assert any(isinstance(event, Failed) and event.job_id == job for event in seen)


def test_an_engine_that_can_run_is_returned_as_it_is():
    assert create_engine("fake").name == "fake" and create_engine("fake").availability_problem() is None
    with pytest.raises(InkscopeError, match="needs the server's URL"):
        create_engine("remote")
