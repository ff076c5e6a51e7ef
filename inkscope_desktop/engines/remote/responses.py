"""What a chat server's answer means: its JSON parsed, and every failure as one line that says what to do."""

from __future__ import annotations

import http.client
import json
import socket
import ssl
from typing import Any

from inkscope_desktop.core.errors import GenerationError, InkscopeError, ModelError, ModelNotFoundError
from inkscope_desktop.core.vocabulary import DEFAULT_API_KEY_ENV

#: HTTP statuses worth another try after a pause: rate limits and server-side trouble.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: The longest pause a server's Retry-After header may ask for.
MAX_RETRY_AFTER_S = 30.0
#: Failures after the request was sent but before any byte of the answer: the server dropped the connection.
RETRY_UNANSWERED_ERRORS = (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)


def parse_json(data: bytes, url: str) -> dict[str, Any]:
    try:
        payload = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise GenerationError(
            f"The server at {url} sent something that is not JSON: {data[:80]!r}.",
            "Check that the base URL points at an OpenAI-compatible server (its path usually ends in /v1).",
        ) from None
    if not isinstance(payload, dict):
        raise GenerationError(f"The server at {url} sent an unexpected answer: {data[:80]!r}.",
                              "Check that the base URL points at an OpenAI-compatible server.")
    if "error" in payload:
        raise GenerationError(f"The server reported an error: {message_of(payload['error'])}.",
                              "Try again; if it keeps happening, check the server's log.")
    return payload


def first_choice(payload: dict[str, Any]) -> dict[str, Any]:
    choices = payload.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise GenerationError("The server's answer has no choices.",
                              "Check that the base URL points at an OpenAI-compatible chat-completions server.")
    return choices[0]


def message_of(error: Any) -> str:
    if isinstance(error, dict):
        return str(error.get("message") or error)[:200]
    return str(error)[:200]


def error_detail(response: http.client.HTTPResponse) -> str:
    try:
        body = response.read(4096)
    except (OSError, http.client.HTTPException):
        return response.reason or ""
    try:
        return message_of(json.loads(body).get("error") or body.decode(errors="replace"))
    except (ValueError, AttributeError):
        return body.decode(errors="replace")[:200] or response.reason or ""


def retry_after(response: http.client.HTTPResponse) -> float | None:
    try:
        seconds = float(response.getheader("Retry-After") or "")
    except ValueError:
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


def status_error(url: str, status: int, detail: str, *, attempts: int) -> InkscopeError:
    said = f" ({detail})" if detail else ""
    if status in (401, 403):
        return ModelError(f"The server at {url} refused the API key (HTTP {status}){said}.",
                          "Save the right key (the settings' API key field, or: inkscope-desktop config "
                          "set-api-key) or set it in the API key environment variable (--api-key-env, default "
                          f"{DEFAULT_API_KEY_ENV}), then try again.")
    if status == 404:
        return ModelNotFoundError(f"The server at {url} has no such model or path (HTTP 404){said}.",
                                  "Check the model name (--remote-model) and that the base URL ends in /v1.")
    if status in RETRY_STATUSES:
        tries = f" after {attempts} tries" if attempts > 1 else ""
        return GenerationError(f"The server at {url} is busy or failing (HTTP {status}){said}{tries}.",
                               "Wait a little and try again, or send fewer requests at once (--concurrency).")
    return GenerationError(f"The server at {url} rejected the request (HTTP {status}){said}.",
                           "Check the server's log; it may not accept images or these settings.")


def unanswered(url: str, error: BaseException, attempts: int) -> InkscopeError:
    """The error once every try failed before the server answered (``error`` is the last try's)."""
    tries = f"{attempts} {'try' if attempts == 1 else 'tries'}"
    if isinstance(error, ConnectionRefusedError):
        return ModelError(f"Nothing is listening at {url} (connection refused, {tries}).",
                          "Start the server, or check the base URL (--base-url) and its port.")
    if isinstance(error, TimeoutError):
        return ModelError(f"The server at {url} did not accept a connection in time ({tries}).",
                          "Check that it is running and reachable from here, or allow more time (--timeout).")
    if isinstance(error, RETRY_UNANSWERED_ERRORS):
        return GenerationError(f"The server at {url} dropped the connection before answering ({tries}).",
                               "Check that the server is running and healthy (its log may say why), then try again.")
    return failure(url, error)


def failure(url: str, error: BaseException) -> InkscopeError:
    if isinstance(error, (socket.timeout, TimeoutError)):
        return GenerationError(f"The server at {url} did not answer in time.",
                               "Check that it is running and not overloaded, or allow more time (--timeout).")
    if isinstance(error, ConnectionRefusedError):
        return ModelError(f"Nothing is listening at {url} (connection refused).",
                          "Start the server, or check the base URL (--base-url) and its port.")
    if isinstance(error, socket.gaierror):
        return ModelError(f"The server name in {url} cannot be found ({error.strerror}).",
                          "Check the base URL (--base-url) and the network connection.")
    if isinstance(error, ssl.SSLError):
        return ModelError(f"A secure connection to {url} failed ({error.reason or error}).",
                          "Check the server's certificate, or the base URL's scheme.")
    if isinstance(error, (http.client.IncompleteRead, ConnectionResetError, http.client.RemoteDisconnected,
                          BrokenPipeError)):
        return GenerationError(f"The server at {url} closed the connection part-way through the answer.",
                               "Try again; if it keeps happening, check the server's log.")
    if isinstance(error, OSError):
        return ModelError(f"The server at {url} cannot be reached ({error.strerror or error}).",
                          "Check the base URL (--base-url) and the network connection.")
    return GenerationError(f"Talking to the server at {url} failed ({type(error).__name__}: {error}).",
                           "Try again; if it keeps happening, check the server's log.")
