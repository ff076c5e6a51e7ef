"""One streaming chat-completions call: the HTTP request with retries, then its server-sent events, in a thread."""

from __future__ import annotations

import http.client
import json
import logging
import queue
import socket
import ssl
import threading
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from inkscope_desktop.core.errors import GenerationError, InkscopeError
from inkscope_desktop.engines.remote.responses import (
    RETRY_STATUSES, RETRY_UNANSWERED_ERRORS, error_detail, failure, first_choice, parse_json, retry_after,
    status_error, unanswered,
)

log = logging.getLogger(__name__)

#: A server-sent event line longer than this is refused (a streamed token is a few dozen bytes).
MAX_LINE_BYTES = 1_000_000
#: A whole (not streamed) answer longer than this is refused.
MAX_BODY_BYTES = 16_000_000
#: Failures to connect worth another try: refused, reset or aborted connections and connect timeouts.
RETRY_CONNECT_ERRORS = (ConnectionError, TimeoutError)


class _NotAnsweredError(Exception):
    """The server was not reached, or dropped the connection before answering: safe to try again."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass
class StreamEnd:
    """How the stream ended: the server's finish reason and token usage, when it sent them."""

    finish_reason: str | None = None
    usage: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CallSettings:
    """Where and how to call: the full endpoint URL, headers (the API key included), limits."""

    url: str
    headers: dict[str, str]
    timeout_s: float
    attempts: int
    backoff_s: float

    def __repr__(self) -> str:  # never show the headers: they may hold the API key
        return f"CallSettings(url={self.url!r}, timeout_s={self.timeout_s}, attempts={self.attempts})"


class ChatCompletionCall:
    """Posts ``body`` and reads the answer's server-sent events in its own thread.

    ``events`` receives ``str`` text pieces, then a ``StreamEnd``, or an ``InkscopeError``; nothing follows
    either. The reading thread blocks on the socket (for at most ``timeout_s`` of silence), so the consumer
    polls ``events`` and, to stop early, calls ``close()``, which shuts the socket and wakes the reader.
    """

    def __init__(self, settings: CallSettings, body: dict[str, Any], cancel: threading.Event) -> None:
        self._settings = settings
        self._body = json.dumps(body).encode()
        self._cancel = cancel
        self._lock = threading.Lock()
        self._connection: http.client.HTTPConnection | None = None
        self._is_closed = False
        self.events: queue.Queue[object] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="inkscope-remote", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        """Stop reading: shuts the connection so a blocked read returns at once."""
        with self._lock:
            self._is_closed = True
            connection, self._connection = self._connection, None
        if connection is not None:
            _shut(connection)

    def _run(self) -> None:
        try:
            response = self._respond()
            if response is not None:
                self._read(response)
        except InkscopeError as error:
            self.events.put(error)
        except Exception as error:  # noqa: BLE001 - a broken socket or parser reaches the consumer as an error
            if self._cancel.is_set() or self._is_closed:
                self.events.put(StreamEnd())
            else:
                self.events.put(failure(self._settings.url, error))
        finally:
            self.close()

    def _respond(self) -> http.client.HTTPResponse | None:
        """The first successful response, after retrying rate limits, server errors and connections that failed
        before the answer began, with backoff. Once the answer streams, nothing is retried (it was heard)."""
        settings = self._settings
        for attempt in range(1, settings.attempts + 1):
            try:
                response = self._post()
            except _NotAnsweredError as failure:
                if self._cancel.is_set() or self._is_closed:
                    return None
                if attempt == settings.attempts:
                    raise unanswered(settings.url, failure.error, attempt) from None
                pause = settings.backoff_s * 2 ** (attempt - 1)
                log.info("No answer from %s (%s); retry %d in %.2f s", settings.url, failure, attempt, pause)
                self._drop_connection()
                if self._cancel.wait(pause):
                    return None
                continue
            if response is None:
                return None
            if response.status < 300:
                return response
            detail = error_detail(response)
            if response.status not in RETRY_STATUSES or attempt == settings.attempts:
                raise status_error(settings.url, response.status, detail, attempts=attempt)
            pause = retry_after(response) or settings.backoff_s * 2 ** (attempt - 1)
            log.info("Server answered %d (%s); retry %d in %.2f s", response.status, detail, attempt, pause)
            self._drop_connection()
            if self._cancel.wait(pause):
                return None
        return None

    def _drop_connection(self) -> None:
        with self._lock:
            connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _post(self) -> http.client.HTTPResponse | None:
        parts = urllib.parse.urlsplit(self._settings.url)
        if parts.scheme == "https":
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                parts.hostname or "", parts.port, timeout=self._settings.timeout_s,
                context=ssl.create_default_context())
        else:
            connection = http.client.HTTPConnection(parts.hostname or "", parts.port,
                                                    timeout=self._settings.timeout_s)
        with self._lock:
            if self._is_closed:
                return None
            self._connection = connection
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream", **self._settings.headers}
        try:
            connection.connect()
        except RETRY_CONNECT_ERRORS as error:
            raise _NotAnsweredError(error) from error
        try:
            connection.request("POST", path, body=self._body, headers=headers)
            response = connection.getresponse()
        except RETRY_UNANSWERED_ERRORS as error:  # http.client.RemoteDisconnected is a ConnectionResetError
            raise _NotAnsweredError(error) from error
        return None if self._is_closed else response  # closed while connecting: nobody reads any more

    def _read(self, response: http.client.HTTPResponse) -> None:
        content_type = response.getheader("Content-Type", "")
        if "text/event-stream" not in content_type:  # a server that ignored "stream": one JSON answer
            body = response.read(MAX_BODY_BYTES + 1)
            if len(body) > MAX_BODY_BYTES:
                raise GenerationError(
                    f"The server at {self._settings.url} sent an answer of over {MAX_BODY_BYTES // 1_000_000} MB, "
                    "far more than a description.", "Check the server and the model's name.")
            payload = parse_json(body, self._settings.url)
            choice = first_choice(payload)
            text = (choice.get("message") or {}).get("content") or ""
            if text:
                self.events.put(text)
            self.events.put(StreamEnd(choice.get("finish_reason"), payload.get("usage") or {}))
            return
        end = StreamEnd()
        while not self._cancel.is_set():
            line = response.readline(MAX_LINE_BYTES + 1)
            if not line:
                break
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                raise GenerationError(
                    f"The server at {self._settings.url} sent a line of over {MAX_LINE_BYTES:,} bytes, which no "
                    "streamed answer needs.", "Check the server; Inkscope stopped reading its answer.")
            line = line.strip()
            if not line.startswith(b"data:"):
                continue  # blank separators, comments (": ping"), "event:" and "id:" lines
            data = line[5:].strip()
            if data == b"[DONE]":
                self.events.put(end)
                return
            payload = parse_json(data, self._settings.url)
            choice = first_choice(payload) if payload.get("choices") else {}
            text = (choice.get("delta") or {}).get("content")
            if text:
                self.events.put(text)
            end.finish_reason = choice.get("finish_reason") or end.finish_reason
            end.usage = payload.get("usage") or end.usage
        if self._cancel.is_set() or end.finish_reason is not None:
            self.events.put(end)  # cancelled, or a server that ends after the finish reason without [DONE]
            return
        raise GenerationError(
            f"The server at {self._settings.url} closed the connection part-way through the answer.",
            "Try again; if it keeps happening, check the server's log.",
        )


def _shut(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    connection.close()


