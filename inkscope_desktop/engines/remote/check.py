"""Asks a remote server which models it serves (``GET /v1/models``) and says whether the chosen one is among them."""

from __future__ import annotations

import http.client
import json
import ssl
import urllib.parse
from dataclasses import dataclass

from inkscope_desktop.core.errors import InkscopeError, ModelError
from inkscope_desktop.engines.remote.engine import RemoteEngine
from inkscope_desktop.engines.remote.responses import failure

#: How many served model names a report lists.
LISTED = 8


@dataclass(frozen=True)
class ServerCheck:
    """The answer: whether ``model`` is served, the names the server listed, and a one-line report."""

    is_served: bool
    served: tuple[str, ...]
    text: str


def models_url(base_url: str) -> str:
    """The model list next to the chat-completions endpoint (``…/v1/models``)."""
    endpoint = RemoteEngine(base_url, "-").endpoint
    return endpoint[: -len("/chat/completions")] + "/models"


def check_server(base_url: str, model: str, *, api_key: str = "", timeout_s: float = 10.0) -> ServerCheck:
    """Ask the server at ``base_url`` for its models (once, no retries); InkscopeError when it cannot be asked."""
    url = models_url(base_url)
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ModelError(f"The server URL {base_url!r} is not an http:// or https:// address.",
                         "Write it like http://127.0.0.1:8000/v1.")
    if parts.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout_s, context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout_s)
    headers = {"Accept": "application/json", **({"Authorization": f"Bearer {api_key}"} if api_key else {})}
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
        response = connection.getresponse()
        body = response.read(1 << 20)
    except (OSError, http.client.HTTPException) as error:
        raise failure(url, error) from None
    finally:
        connection.close()
    if response.status in (401, 403):
        raise ModelError(f"The server at {url} refused the API key (HTTP {response.status}).",
                         "Save the right key (the API key field, or: inkscope-desktop config set-api-key) or set "
                         "it in the API key environment variable.")
    if response.status >= 300:
        raise ModelError(f"The server at {url} did not list its models (HTTP {response.status}).",
                         "Check that the base URL is the server's API root, usually ending in /v1.")
    served = _model_names(body, url)
    return _report(base_url, model, served)


def _model_names(body: bytes, url: str) -> tuple[str, ...]:
    try:
        payload = json.loads(body)
        entries = payload["data"]
        return tuple(str(entry["id"]) for entry in entries if isinstance(entry, dict) and "id" in entry)
    except (ValueError, KeyError, TypeError):
        raise InkscopeError(f"The server at {url} answered with something that is not a model list.",
                            "Check that the base URL points at an OpenAI-compatible server.") from None


def _report(base_url: str, model: str, served: tuple[str, ...]) -> ServerCheck:
    listed = ", ".join(served[:LISTED]) + (f" and {len(served) - LISTED} more" if len(served) > LISTED else "")
    if model and model in served:
        return ServerCheck(True, served, f"The server at {base_url} is up and serves {model}.")
    if not served:
        return ServerCheck(False, served, f"The server at {base_url} is up but serves no models.")
    if not model:
        return ServerCheck(False, served, f"The server at {base_url} is up and serves: {listed}. Choose one as "
                                          "the model name.")
    return ServerCheck(False, served, f"The server at {base_url} is up but does not serve {model}; it serves: "
                                      f"{listed}. Use one of these names as the model name.")
