"""A real HTTP server on loopback that speaks OpenAI's streaming chat-completions protocol, for remote-engine tests.

Each POST to ``/v1/chat/completions`` takes the next scripted ``Reply`` (the last one repeats); ``GET /v1/models``
lists ``models``. The server records what it received, so tests check the request as the wire carried it.
The CLI tests run it in the test process and point the ``describe`` subprocess at it.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted answer.

    ``status`` other than 200 answers with a JSON error body. ``pieces`` are sent as deltas, ``delay_s``
    apart; ``finish_reason`` and ``usage`` go in a last event; ``raw_lines`` are sent as they are after the
    pieces; ``close_early`` drops the connection after the pieces without a finish or ``[DONE]``.
    """

    pieces: list[str] = field(default_factory=lambda: ["Hello", " world", "."])
    status: int = 200
    delay_s: float = 0.0
    finish_reason: str | None = "stop"
    usage: dict[str, int] | None = None
    raw_lines: list[bytes] = field(default_factory=list)
    close_early: bool = False
    echo: bool = False  # answer with the first prompt and the received image's size (the CLI tests)
    whole_json: bool = False  # ignore "stream" and answer with one chat.completion JSON object
    chunked: bool = True  # chunked transfer encoding, as uvicorn (vLLM, SGLang) sends; False: ends at close
    reset: bool = False  # read the request, then reset the connection (TCP RST) without answering a byte


class FakeChatServer:
    """``ThreadingHTTPServer`` in a daemon thread; ``url`` is its API root, ``requests`` what it received."""

    def __init__(self, replies: list[Reply] | None = None, port: int = 0,
                 models: list[str] | None = None) -> None:
        self.replies = list(replies or [Reply()])
        self.models = ["inkscope-2b"] if models is None else list(models)  # what GET /v1/models lists
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.paths: list[str] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeChatServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def next_reply(self, body: dict[str, Any], headers: dict[str, str], path: str) -> Reply:
        with self.lock:
            self.requests.append(body)
            self.headers.append(headers)
            self.paths.append(path)
            index = min(len(self.requests) - 1, len(self.replies) - 1)
            return self.replies[index]


def _handler(server: FakeChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:  # the http.server API names it
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            reply = server.next_reply(body, dict(self.headers), self.path)
            if self.path != "/v1/chat/completions":
                return self._error(404, "no such path")
            if reply.reset:
                return self._reset()
            if reply.status != 200:
                return self._error(reply.status, f"scripted {reply.status}")
            if reply.whole_json:
                return self._whole(reply)
            with server.lock:
                server.in_flight += 1
                server.most_in_flight = max(server.most_in_flight, server.in_flight)
            try:
                self._stream(reply, body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client hung up (a cancel)
            finally:
                with server.lock:
                    server.in_flight -= 1

        def do_GET(self) -> None:  # GET /v1/models, as OpenAI-compatible servers list what they serve
            with server.lock:
                server.paths.append(self.path)
                server.headers.append(dict(self.headers))
            if self.path != "/v1/models":
                return self._error(404, "no such path")
            self._json(200, {"object": "list", "data": [{"id": name, "object": "model", "owned_by": "fake"}
                                                        for name in server.models]})

        def _reset(self) -> None:
            """Close with SO_LINGER 0: the kernel sends RST, the client sees a reset before any answer."""
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True

        def _error(self, status: int, message: str) -> None:
            self._json(status, {"error": {"message": message}})

        def _whole(self, reply: Reply) -> None:
            message = {"role": "assistant", "content": "".join(reply.pieces)}
            self._json(200, {"choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason}],
                             "usage": reply.usage})

        def _json(self, status: int, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, reply: Reply, body: dict[str, Any]) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            if reply.chunked:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._is_chunked = reply.chunked
            pieces = _echo(body) if reply.echo else reply.pieces
            for piece in pieces:
                time.sleep(reply.delay_s)
                self._event({"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
            for line in reply.raw_lines:
                self._send(line + b"\n\n")
            self.close_connection = True
            if reply.close_early:
                return
            self._event({"choices": [{"index": 0, "delta": {}, "finish_reason": reply.finish_reason}]})
            if reply.usage is not None:
                self._event({"choices": [], "usage": reply.usage})
            self._send(b"data: [DONE]\n\n")
            if reply.chunked:
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()

        def _event(self, payload: dict[str, Any]) -> None:
            self._send(b"data: " + json.dumps(payload).encode() + b"\n\n")

        def _send(self, data: bytes) -> None:
            if self._is_chunked:
                data = f"{len(data):x}\r\n".encode() + data + b"\r\n"
            self.wfile.write(data)
            self.wfile.flush()

    return Handler


def _echo(body: dict[str, Any]) -> list[str]:
    """Pieces naming the first prompt and the received image's size (tells the images apart in CLI tests)."""
    first = body["messages"][0]["content"]
    url = next(item["image_url"]["url"] for item in first if item["type"] == "image_url")
    text = next(item["text"] for item in first if item["type"] == "text")
    width, height = decode_data_url(url).size
    return ["Echo:", f" {text}", f" image {width}x{height}"]


def decode_data_url(url: str) -> Any:
    """The PIL image inside a ``data:image/...;base64,`` URL."""
    import base64
    import io

    from PIL import Image

    head, data = url.split(",", 1)
    assert head in ("data:image/png;base64", "data:image/jpeg;base64"), head
    image = Image.open(io.BytesIO(base64.b64decode(data)))
    image.load()
    return image
