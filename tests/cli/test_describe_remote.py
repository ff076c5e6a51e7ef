"""``describe --engine remote`` end to end: the command in a subprocess, a streaming chat server on loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.chat_server import fake_chat_server

FakeChatServer, Reply = fake_chat_server().FakeChatServer, fake_chat_server().Reply


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "inkscope_desktop", "describe", *args], capture_output=True,
                          timeout=120, env={**os.environ, **(env or {})})


def noise(width: int, height: int, seed: int) -> Image.Image:
    pixels = np.random.default_rng(seed).integers(0, 256, size=(height, width, 3), dtype=np.uint8)
    return Image.fromarray(pixels, "RGB")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Five images whose sizes (multiples of 28, sent unchanged) tell them apart: 56x56, 112x56 … 280x56."""
    folder = tmp_path / "shots"
    folder.mkdir()
    for index in range(5):
        noise(56 * (index + 1), 56, seed=index).save(folder / f"{index}.png")
    return folder


def test_a_folder_is_described_concurrently_and_written_in_input_order(folder):
    with FakeChatServer([Reply(echo=True, delay_s=0.1)]) as server:
        result = run_cli(str(folder), "--jsonl", "--engine", "remote", "--base-url", server.url,
                         "--remote-model", "inkscope-2b", "--concurrency", "3", "-q", "What is it?",
                         "--api-key-env", "MY_KEY", env={"MY_KEY": "sk-cli"})
    assert result.returncode == 0, result.stderr.decode()
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [Path(r["path"]).name for r in records] == [f"{i}.png" for i in range(5)]
    for index, record in enumerate(records):
        assert record["caption"] == f"Echo: What is it? image {56 * (index + 1)}x56"
        assert record["error"] is None and record["engine"] == "remote" and record["model"] == "inkscope-2b"
    assert 1 < server.most_in_flight <= 3
    assert {h["Authorization"] for h in server.headers} == {"Bearer sk-cli"}
    assert "sk-cli" not in result.stdout.decode() + result.stderr.decode()


def test_a_bad_file_is_reported_in_its_place_and_exits_1(folder):
    (folder / "2.png").write_text("not an image")
    with FakeChatServer([Reply(echo=True)]) as server:
        result = run_cli(str(folder), "--jsonl", "--engine", "remote", "--base-url", server.url,
                         "--remote-model", "m", "--concurrency", "3")
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [Path(r["path"]).name for r in records] == [f"{i}.png" for i in range(5)]
    assert records[2]["caption"] is None and "2.png" in records[2]["error"]
    assert all(r["error"] is None for i, r in enumerate(records) if i != 2)
    assert len(server.requests) == 4 and "2.png" in result.stderr.decode()


def test_plain_text_output_keeps_the_input_order(folder):
    with FakeChatServer([Reply(echo=True)]) as server:
        result = run_cli(str(folder), "--engine", "remote", "--base-url", server.url, "--remote-model", "m",
                         "-q", "Hm?")
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    positions = [out.index(f"{i}.png:\nEcho: Hm? image {56 * (i + 1)}x56") for i in range(5)]
    assert positions == sorted(positions)


def test_an_unreachable_server_is_one_error_with_exit_2(folder):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run_cli(str(folder), "--engine", "remote", "--base-url", f"http://127.0.0.1:{port}/v1",
                     "--remote-model", "m")
    assert result.returncode == 2
    (line,) = result.stderr.decode().strip().splitlines()
    assert "connection refused" in line and f"127.0.0.1:{port}" in line and "Traceback" not in line


def test_remote_needs_a_url_and_a_model(folder):
    result = run_cli(str(folder), "--engine", "remote")
    assert result.returncode == 2 and "--base-url" in result.stderr.decode()


def test_help_lists_the_remote_options():
    out = subprocess.run([sys.executable, "-m", "inkscope_desktop", "describe", "--help"], capture_output=True,
                         text=True, timeout=60).stdout
    for option in ("--base-url", "--remote-model", "--api-key-env", "--concurrency", "--timeout"):
        assert option in out
