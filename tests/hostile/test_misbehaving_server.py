"""A remote server that misbehaves: it trickles forever, sends a huge answer, or a line without an end. Each
request ends within its bounds with a clear line; the CLI runs as a subprocess against a local server."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from PIL import Image


class Misbehaving(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        behaviour = self.server.behaviour
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()

        def event(text: str) -> bytes:
            return b"data: " + json.dumps({"choices": [{"delta": {"content": text}}]}).encode() + b"\n\n"

        try:
            if behaviour == "trickle":  # one token a second, forever
                while True:
                    self.wfile.write(event(" word"))
                    self.wfile.flush()
                    time.sleep(1.0)
            elif behaviour == "flood":  # 50 MB of answer, as fast as it goes
                chunk = event("blah " * 200)
                for _ in range(50_000_000 // len(chunk)):
                    self.wfile.write(chunk)
                self.wfile.write(b"data: [DONE]\n\n")
            elif behaviour == "endless-line":  # a line with no end, a little at a time
                self.wfile.write(b"data: ")
                while True:
                    self.wfile.write(b"x" * 65536)
                    self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, socket.error):
            pass


@pytest.fixture
def image(tmp_path):
    path = tmp_path / "shot.png"
    Image.fromarray(np.random.default_rng(5).integers(0, 256, (40, 60, 3), dtype=np.uint8), "RGB").save(path)
    return path


def describe(server: Misbehaving, image, *extra: str) -> tuple[subprocess.CompletedProcess, float]:
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "inkscope_desktop", "describe", str(image), "--engine", "remote",
                           "--base-url", server.url, "--remote-model", "m", "--jsonl", *extra],
                          capture_output=True, timeout=120)
    return done, time.monotonic() - began


def test_a_server_that_trickles_forever_meets_the_deadline(image, private_folders):
    server = Misbehaving("trickle")
    try:
        done, took = describe(server, image, "--deadline", "3", "--max-new-tokens", "512")
    finally:
        server.shutdown()
    record = json.loads(done.stdout.decode().splitlines()[-1])
    assert done.returncode == 1 and took < 30
    assert "did not finish its answer within 3 s" in record["error"]


def test_a_flood_is_read_only_up_to_max_new_tokens(image, private_folders):
    server = Misbehaving("flood")
    try:
        done, took = describe(server, image, "--max-new-tokens", "32")
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr.decode()
    record = json.loads(done.stdout.decode())
    assert record["stop_reason"] == "length"
    assert len(record["caption"]) <= 32 * 8 and len(done.stdout) < 10_000


def test_a_line_without_an_end_is_refused_for_its_size(image, private_folders):
    server = Misbehaving("endless-line")
    try:
        done, took = describe(server, image)
    finally:
        server.shutdown()
    record = json.loads(done.stdout.decode())
    assert "sent a line of over 1,000,000 bytes" in record["error"]
    assert "did not answer in time" not in record["error"]


def test_a_server_that_is_not_there_is_not_said_to_be_slow_to_finish(image, private_folders):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe is closed
    server = type("Gone", (), {"url": f"http://127.0.0.1:{port}/v1"})()
    done, took = describe(server, image, "--deadline", "1")
    record = json.loads(done.stdout.decode().splitlines()[-1]) if done.stdout else {"error": done.stderr.decode()}
    assert "did not finish its answer" not in record["error"]
