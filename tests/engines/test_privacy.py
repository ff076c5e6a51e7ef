"""Privacy promises that tests can hold the engine to: loading a local model and captioning open no network
socket, even with offline mode off, and the engine writes no file."""

from __future__ import annotations

import socket

import pytest

from inkscope_desktop.core.types import CaptionRequest
from inkscope_desktop.engines.local.qwen2vl import Qwen2VLEngine

pytestmark = pytest.mark.model


@pytest.fixture
def network_calls(monkeypatch):
    """Every connect or send to a non-Unix address during the test, refused and recorded."""
    calls = []
    real_connect = socket.socket.connect

    def connect(self, address):
        if self.family != socket.AF_UNIX:
            calls.append(("connect", address))
            raise OSError("network use during a test of the privacy promise")
        return real_connect(self, address)

    def create_connection(address, *args, **kwargs):
        calls.append(("create_connection", address))
        raise OSError("network use during a test of the privacy promise")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return calls


def test_a_local_model_loads_and_captions_without_any_network_socket(tiny_model_dir, noise_image, network_calls,
                                                                      monkeypatch, tmp_path):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.chdir(tmp_path)
    engine = Qwen2VLEngine(str(tiny_model_dir), device="cpu")
    engine.load()
    result = engine.describe(CaptionRequest(image=noise_image, prompt="Describe.", max_new_tokens=8))
    assert result.new_tokens > 0
    assert network_calls == []
    assert list(tmp_path.iterdir()) == []  # nothing written where it runs
