"""Checking a remote server: ``GET /v1/models`` on a real loopback server, and the one-line reports."""

from __future__ import annotations

import pytest

from inkscope_desktop.core.errors import InkscopeError, ModelError
from inkscope_desktop.engines.remote.check import check_server, models_url
from fake_chat_server import FakeChatServer
from test_remote import free_port


def test_a_served_model_is_reported_with_the_key_sent():
    with FakeChatServer(models=["other", "inkscope-2b"]) as server:
        check = check_server(server.url, "inkscope-2b", api_key="sk-check")
    assert check.is_served and check.served == ("other", "inkscope-2b")
    assert check.text == f"The server at {server.url} is up and serves inkscope-2b."
    assert server.paths == ["/v1/models"] and server.headers[0]["Authorization"] == "Bearer sk-check"


def test_a_missing_model_lists_what_is_served():
    with FakeChatServer(models=[f"m{i}" for i in range(10)]) as server:
        check = check_server(server.url, "inkscope-2b")
    assert not check.is_served and "Authorization" not in server.headers[0]
    assert check.text == (f"The server at {server.url} is up but does not serve inkscope-2b; it serves: m0, m1, m2, "
                          "m3, m4, m5, m6, m7 and 2 more. Use one of these names as the model name.")


def test_no_models_and_no_name():
    with FakeChatServer(models=[]) as server:
        assert check_server(server.url, "m").text.endswith("is up but serves no models.")
    with FakeChatServer(models=["a"]) as server:
        assert check_server(server.url, "").text.endswith("serves: a. Choose one as the model name.")


def test_nothing_listening_is_one_line_naming_the_url():
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(ModelError, match="connection refused") as caught:
        check_server(url, "m", timeout_s=2.0)
    assert f"{url}/models" in caught.value.message and "\n" not in caught.value.user_text


def test_a_wrong_path_says_to_check_the_base_url():
    with FakeChatServer() as server:
        with pytest.raises(ModelError, match=r"did not list its models \(HTTP 404\)") as caught:
            check_server(server.url.replace("/v1", "/api"), "m")
    assert "/v1" in caught.value.advice


def test_models_url_sits_next_to_chat_completions():
    assert models_url("http://127.0.0.1:11434") == "http://127.0.0.1:11434/v1/models"
    assert models_url("https://h/api/v1/") == "https://h/api/v1/models"


def test_a_malformed_list_is_reported():
    from inkscope_desktop.engines.remote import check as remote_check

    with pytest.raises(InkscopeError, match="not a model list"):
        remote_check._model_names(b'{"object": "list"}', "http://h/v1/models")
    assert remote_check._model_names(b'{"data": [{"id": "x"}, "junk"]}', "u") == ("x",)
