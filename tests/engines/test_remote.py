"""The remote engine against a real HTTP server on loopback that streams chat completions."""

from __future__ import annotations

import logging
import socket
import threading
import time

import numpy as np
import pytest
from PIL import Image

from inkscope_desktop.core.errors import GenerationError, InkscopeError, ModelError, ModelNotFoundError
from inkscope_desktop.core.types import CaptionRequest, Detail, Sampling, StopReason, Turn
from inkscope_desktop.engines.registry import create_engine
from inkscope_desktop.engines.remote.engine import RemoteEngine, fitted_size, is_loopback
from fake_chat_server import FakeChatServer, Reply, decode_data_url


def engine_for(server: FakeChatServer, **kwargs) -> RemoteEngine:
    kwargs.setdefault("backoff_s", 0.01)
    kwargs.setdefault("timeout_s", 5.0)
    return RemoteEngine(server.url, "inkscope-2b", **kwargs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def request_(noise_image):
    return CaptionRequest(image=noise_image, prompt="What is shown?", max_new_tokens=64)


def test_a_stream_that_ends_at_close_without_chunked_encoding(request_):
    with FakeChatServer([Reply(pieces=["Plain", " body"], chunked=False)]) as server:
        assert engine_for(server).describe(request_).text == "Plain body"


def test_a_server_that_ignores_stream_and_answers_in_one_piece(request_):
    reply = Reply(pieces=["All", " at once"], whole_json=True, finish_reason="length",
                  usage={"prompt_tokens": 9, "completion_tokens": 2})
    with FakeChatServer([reply]) as server:
        stream = engine_for(server).stream(request_)
        assert list(stream) == ["All at once"]
    assert stream.result.stop_reason is StopReason.LENGTH and stream.result.prompt_tokens == 9


def test_streams_the_pieces_in_order_and_sends_the_request_as_specified(request_, monkeypatch):
    monkeypatch.setenv("INKSCOPE_API_KEY", "sk-test-123")
    with FakeChatServer([Reply(pieces=["A", " noisy", " picture."])]) as server:
        stream = engine_for(server).stream(request_)
        chunks = list(stream)
    assert chunks == ["A", " noisy", " picture."]
    result = stream.result
    assert result.text == "A noisy picture." and result.stop_reason is StopReason.FINISHED
    assert result.engine == "remote" and result.new_tokens == 3
    assert server.paths == ["/v1/chat/completions"]
    assert server.headers[0]["Authorization"] == "Bearer sk-test-123"
    (body,) = server.requests
    assert body["model"] == "inkscope-2b" and body["stream"] is True and body["max_tokens"] == 64
    assert body["temperature"] == 0.0
    (message,) = body["messages"]
    image_item, text_item = message["content"]
    assert message["role"] == "user" and text_item == {"type": "text", "text": "What is shown?"}
    assert image_item["image_url"]["url"].startswith("data:image/png;base64,")
    assert decode_data_url(image_item["image_url"]["url"]).size == (392, 308)  # 400x300 in multiples of 28


@pytest.mark.parametrize(("detail", "expected"), [(Detail.LOW, (924, 504)), (Detail.NORMAL, (1316, 728)),
                                                  (Detail.HIGH, (1932, 1092))])
def test_the_image_is_resized_to_the_detail_levels_pixel_budget(detail, expected):
    pixels = np.random.default_rng(1).integers(0, 256, size=(1080, 1920, 3), dtype=np.uint8)
    request = CaptionRequest(image=Image.fromarray(pixels, "RGB"), prompt="Describe.", detail=detail)
    with FakeChatServer() as server:
        engine_for(server, image_format="JPEG").describe(request)
    url = server.requests[0]["messages"][0]["content"][0]["image_url"]["url"]
    assert url.startswith("data:image/jpeg;base64,")
    size = decode_data_url(url).size
    assert size == expected == fitted_size(1920, 1080, min_pixels=detail.min_pixels, max_pixels=detail.max_pixels)
    assert size[0] * size[1] <= detail.max_pixels and abs(size[0] / size[1] / (16 / 9) - 1) < 0.05  # 28-px rounding


@pytest.mark.parametrize("size", [(400, 300), (1920, 1080), (3840, 2160), (30, 30), (1280, 720), (5000, 40)])
@pytest.mark.parametrize("detail", list(Detail))
def test_fitted_size_matches_qwen_vl_utils_smart_resize(size, detail):
    vision = pytest.importorskip("qwen_vl_utils.vision_process")
    width, height = size
    expected_height, expected_width = vision.smart_resize(height, width, 28, min_pixels=detail.min_pixels,
                                                          max_pixels=detail.max_pixels)
    assert fitted_size(width, height, min_pixels=detail.min_pixels, max_pixels=detail.max_pixels) == (
        expected_width, expected_height)


def test_a_follow_up_sends_the_history_with_the_image_in_the_first_message(noise_image):
    request = CaptionRequest(image=noise_image, prompt="What colour is it?",
                             history=(Turn("Describe it.", "Noise."),),
                             sampling=Sampling(do_sample=True, temperature=0.5, top_p=0.8))
    with FakeChatServer() as server:
        engine_for(server).describe(request)
    first, answer, follow_up = server.requests[0]["messages"]
    assert [item["type"] for item in first["content"]] == ["image_url", "text"]
    assert first["content"][1]["text"] == "Describe it."
    assert answer == {"role": "assistant", "content": "Noise."}
    assert follow_up == {"role": "user", "content": [{"type": "text", "text": "What colour is it?"}]}
    assert server.requests[0]["temperature"] == 0.5 and server.requests[0]["top_p"] == 0.8


def test_usage_fills_the_token_counts_and_length_is_reported(request_, monkeypatch):
    monkeypatch.delenv("INKSCOPE_API_KEY", raising=False)
    reply = Reply(pieces=["Cut", " short"], finish_reason="length",
                  usage={"prompt_tokens": 140, "completion_tokens": 64, "total_tokens": 204})
    with FakeChatServer([reply]) as server:
        result = engine_for(server).describe(request_)
    assert result.stop_reason is StopReason.LENGTH
    assert (result.prompt_tokens, result.new_tokens, result.text) == (140, 64, "Cut short")
    assert "Authorization" not in server.headers[0]
    assert server.requests[0]["stream_options"] == {"include_usage": True}


@pytest.mark.parametrize(("status", "error_type", "words"), [
    (401, ModelError, "API key"), (403, ModelError, "INKSCOPE_API_KEY"), (404, ModelNotFoundError, "--remote-model"),
])
def test_client_errors_are_one_line_errors_with_advice_and_not_retried(request_, status, error_type, words):
    with FakeChatServer([Reply(status=status)]) as server:
        with pytest.raises(error_type) as caught:
            engine_for(server).describe(request_)
    assert words in caught.value.user_text and f"HTTP {status}" in caught.value.message
    assert "\n" not in caught.value.user_text
    assert len(server.requests) == 1


def test_a_wrong_path_is_a_404_that_names_the_url(request_):
    with FakeChatServer() as server:
        engine = RemoteEngine(server.url.replace("/v1", "/api"), "m", timeout_s=5.0)
        with pytest.raises(ModelNotFoundError, match="/api/chat/completions"):
            engine.describe(request_)


def test_rate_limits_are_retried_with_backoff_then_succeed(request_):
    with FakeChatServer([Reply(status=429), Reply(status=503), Reply(pieces=["Fine."])]) as server:
        result = engine_for(server).describe(request_)
    assert result.text == "Fine." and len(server.requests) == 3


def test_server_errors_give_up_after_the_last_attempt(request_):
    with FakeChatServer([Reply(status=500)]) as server:
        with pytest.raises(GenerationError, match=r"HTTP 500.*after 3 tries"):
            engine_for(server, attempts=3).describe(request_)
    assert len(server.requests) == 3


def test_cancel_closes_a_slow_stream_before_its_next_piece(request_):
    cancel = threading.Event()
    with FakeChatServer([Reply(pieces=["One", " two", " three", " four"], delay_s=2.0)]) as server:
        stream = engine_for(server).stream(request_, cancel)
        chunks = []
        started = time.monotonic()
        for chunk in stream:
            chunks.append(chunk)
            cancel.set()
        waited = time.monotonic() - started
    assert chunks == ["One"] and stream.result.stop_reason is StopReason.CANCELLED
    assert waited < 2.0 + 1.9  # the first piece's delay, then out long before the second piece's 2 s


def test_cancel_while_waiting_for_the_first_piece(request_):
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    with FakeChatServer([Reply(delay_s=3.0)]) as server:
        started = time.monotonic()
        result = engine_for(server).describe(request_, cancel)
        waited = time.monotonic() - started
    assert result.stop_reason is StopReason.CANCELLED and result.text == ""
    assert waited < 2.5


def test_a_malformed_event_is_a_generation_error(request_):
    with FakeChatServer([Reply(pieces=["Hi"], raw_lines=[b"data: {not json"])]) as server:
        with pytest.raises(GenerationError, match="not JSON"):
            list(engine_for(server).stream(request_))


def test_an_error_event_mid_stream_is_reported(request_):
    reply = Reply(pieces=["Hi"], raw_lines=[b'data: {"error": {"message": "out of KV cache"}}'])
    with FakeChatServer([reply]) as server:
        with pytest.raises(GenerationError, match="out of KV cache"):
            engine_for(server).describe(request_)


@pytest.mark.parametrize("chunked", [True, False])
def test_a_server_that_closes_mid_stream_is_a_generation_error(request_, chunked):
    chunks = []
    with FakeChatServer([Reply(pieces=["Half", " an"], close_early=True, chunked=chunked)]) as server:
        with pytest.raises(GenerationError, match="part-way"):
            for chunk in engine_for(server).stream(request_):
                chunks.append(chunk)
    assert chunks == ["Half", " an"]


def test_connection_refused_names_the_url(request_):
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(ModelError, match="connection refused") as caught:
        RemoteEngine(url, "m", timeout_s=5.0, backoff_s=0.01).describe(request_)
    assert url in caught.value.message and "--base-url" in caught.value.advice


def test_a_silent_server_times_out(request_):
    with FakeChatServer([Reply(delay_s=3.0)]) as server:
        with pytest.raises(GenerationError, match="did not answer in time"):
            engine_for(server, timeout_s=0.3).describe(request_)


def test_a_blank_image_never_reaches_the_server():
    request = CaptionRequest(image=Image.new("RGB", (64, 64), (255, 255, 255)), prompt="?")
    with FakeChatServer() as server:
        result = engine_for(server).describe(request)
    assert result.stop_reason is StopReason.BLANK and server.requests == []


def test_load_touches_no_network_and_warns_about_plain_http_off_this_machine(caplog, monkeypatch):
    connects = []
    monkeypatch.setattr(socket, "create_connection", lambda *args, **kwargs: connects.append(args))
    engine = RemoteEngine("http://192.0.2.10:8000/v1", "m")  # TEST-NET: nothing answers there
    with caplog.at_level(logging.WARNING):
        engine.load()
    assert engine.is_loaded and "unencrypted" in caplog.text and connects == []
    caplog.clear()
    RemoteEngine("http://localhost:8000/v1", "m").load()
    RemoteEngine("https://example.org/v1", "m").load()
    assert "unencrypted" not in caplog.text


def test_load_rejects_a_url_that_is_not_http():
    with pytest.raises(ModelError, match="not an http"):
        RemoteEngine("ftp://host/v1", "m").load()


def test_endpoint_adds_v1_only_to_a_bare_host():
    assert RemoteEngine("http://127.0.0.1:11434", "m").endpoint == "http://127.0.0.1:11434/v1/chat/completions"
    assert RemoteEngine("https://h/api/v1/", "m").endpoint == "https://h/api/v1/chat/completions"


def test_loopback_hosts():
    assert is_loopback("localhost") and is_loopback("127.0.0.5") and is_loopback("::1")
    assert not is_loopback("192.168.1.2") and not is_loopback("example.org")


def test_the_registry_builds_a_remote_engine_and_keeps_old_callers_working():
    engine = create_engine("remote", model="m", base_url="http://127.0.0.1:1/v1", api_key_env="MY_KEY", timeout=3)
    assert isinstance(engine, RemoteEngine) and engine.api_key_env == "MY_KEY" and engine.timeout_s == 3
    assert create_engine("fake").name == "fake"
    with pytest.raises(InkscopeError, match="--base-url"):
        create_engine("remote", model="m")


def test_the_api_key_is_never_in_the_engines_state(monkeypatch):
    monkeypatch.setenv("INKSCOPE_API_KEY", "sk-secret")
    engine = RemoteEngine("http://127.0.0.1:1/v1", "m")
    engine.load()
    assert "sk-secret" not in repr(vars(engine)) and "sk-secret" not in repr(engine._settings())


# --- connection-level retries: before the answer begins, never after ------------------------------------------

def test_a_server_that_starts_listening_late_is_retried_until_it_answers(request_):
    port = free_port()
    server = FakeChatServer([Reply(pieces=["Up", " now."])], port=port)
    starter = threading.Timer(0.3, server.__enter__)  # nothing listens for the first 0.3 s: refused
    starter.start()
    try:
        engine = RemoteEngine(f"http://127.0.0.1:{port}/v1", "m", timeout_s=5.0, attempts=6, backoff_s=0.1)
        started = time.monotonic()
        result = engine.describe(request_)
        waited = time.monotonic() - started
    finally:
        starter.join()
        server.__exit__()
    assert result.text == "Up now." and len(server.requests) == 1
    assert 0.25 < waited < 3.0  # backoff 0.1, 0.2, 0.4 …: it waited for the server, and not much longer


def test_a_connection_reset_before_the_answer_is_retried(request_):
    with FakeChatServer([Reply(reset=True), Reply(pieces=["Second", " try."])]) as server:
        result = engine_for(server).describe(request_)
    assert result.text == "Second try." and len(server.requests) == 2


def test_resets_on_every_try_give_up_with_one_line(request_):
    with FakeChatServer([Reply(reset=True)]) as server:
        with pytest.raises(GenerationError, match=r"dropped the connection before answering \(3 tries\)") as caught:
            engine_for(server, attempts=3).describe(request_)
    assert len(server.requests) == 3 and server.url in caught.value.message
    assert "\n" not in caught.value.user_text and "try again" in caught.value.advice


def test_all_tries_refused_name_the_url_the_count_and_what_to_do(request_):
    url = f"http://127.0.0.1:{free_port()}/v1"
    started = time.monotonic()
    with pytest.raises(ModelError) as caught:
        RemoteEngine(url, "m", timeout_s=5.0, attempts=3, backoff_s=0.05).describe(request_)
    waited = time.monotonic() - started
    assert caught.value.message == f"Nothing is listening at {url}/chat/completions (connection refused, 3 tries)."
    assert caught.value.advice == "Start the server, or check the base URL (--base-url) and its port."
    assert 0.05 + 0.1 <= waited < 2.0  # two pauses between three tries


def test_a_connect_timeout_is_retried_then_reported(request_):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    filler = socket.create_connection(("127.0.0.1", port))  # fills the backlog: later SYNs go unanswered
    try:
        started = time.monotonic()
        with pytest.raises(ModelError, match=r"did not accept a connection in time \(2 tries\)") as caught:
            RemoteEngine(f"http://127.0.0.1:{port}/v1", "m", timeout_s=0.3, attempts=2,
                         backoff_s=0.01).describe(request_)
        waited = time.monotonic() - started
    finally:
        filler.close()
        listener.close()
    assert "--timeout" in caught.value.advice
    assert 0.55 < waited < 3.0  # two connect timeouts of 0.3 s


def test_a_failure_after_the_answer_began_is_not_retried(request_):
    chunks = []
    with FakeChatServer([Reply(pieces=["Part"], close_early=True), Reply(pieces=["Never", " heard."])]) as server:
        with pytest.raises(GenerationError, match="part-way through the answer") as caught:
            for chunk in engine_for(server, attempts=4).stream(request_):
                chunks.append(chunk)
    assert chunks == ["Part"] and len(server.requests) == 1
    assert "\n" not in caught.value.user_text and "Try again" in caught.value.advice


def test_cancel_during_a_retry_pause_ends_at_once(request_):
    url = f"http://127.0.0.1:{free_port()}/v1"
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()
    result = RemoteEngine(url, "m", timeout_s=5.0, attempts=5, backoff_s=10.0).describe(request_, cancel)
    assert result.stop_reason is StopReason.CANCELLED and time.monotonic() - started < 2.0
