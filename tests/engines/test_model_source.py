"""Model sources against a real loopback fake of the Hugging Face hub: download, progress, resume, errors, info."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from inkscope_desktop.core.errors import DownloadError, ModelError, ModelNotFoundError
from inkscope_desktop.engines.hub import model_source
from inkscope_desktop.engines.hub.model_source import (
    DEFAULT_MODEL_ID,
    download_model,
    hub_cache_dir,
    is_offline,
    model_info,
    resolve_model,
)

COMMIT = "0123456789abcdef0123456789abcdef01234567"
SHARDED_ID = "someone/sharded-model"
WEIGHTS = random.Random(0).randbytes(300_000)

#: The files a download must fetch, and the ones it must not (pickles, sub-folders, READMEs).
WANTED = {
    "config.json": b'{"model_type": "qwen2_vl"}',
    "generation_config.json": b'{"top_k": 1}',
    "preprocessor_config.json": b'{"min_pixels": 3136}',
    "model.safetensors": WEIGHTS,
    "tokenizer.json": b'{"model": {"type": "BPE"}}' * 50,
    "tokenizer_config.json": b'{"model_max_length": 32768}',
    "vocab.json": b'{"a": 0}',
    "merges.txt": b"#version: 0.2\n",
    "chat_template.jinja": b"{{ messages }}",
}
UNWANTED = {
    "pytorch_model.bin": b"\x80\x02pickle" * 1000,
    "checkpoint-10/model.safetensors": b"old checkpoint",
    "README.md": b"# Inkscope",
    ".gitattributes": b"*.safetensors filter=lfs",
}
SHARDS = {"model-00001-of-00002.safetensors": WEIGHTS[:150_000],
          "model-00002-of-00002.safetensors": WEIGHTS[150_000:]}
SHARDED = {
    "config.json": WANTED["config.json"],
    "model.safetensors.index.json": json.dumps({"weight_map": {"a": "model-00001-of-00002.safetensors",
                                                               "b": "model-00002-of-00002.safetensors"}}).encode(),
    **SHARDS,
}


class FakeHub(ThreadingHTTPServer):
    """The hub endpoints ``snapshot_download`` calls, for in-memory repos; logs every request.

    ``cut_once[file] = n`` sends only n bytes of the next GET of ``file`` and drops the connection;
    ``fail[file] = status`` answers every GET of ``file`` with that status; ``refuse_all = status`` answers
    every request so (401: what the hub tells an anonymous client about a gated repo);
    ``fail_after_cut[file] = status`` answers the GETs of ``file`` after its cut so (the run then ends);
    ``stall_after[file] = n`` sends n bytes of the next GET of ``file`` and then waits for ``release``;
    ``drop_every[file] = n`` sends at most n bytes of every GET of ``file`` and drops the connection (a flaky
    link); ``next_statuses[file] = [..]`` answers the next GETs of ``file`` with those statuses, one each;
    ``expire_on_cut`` makes a file's download address expire at each cut: its GETs answer 403 until the next
    HEAD of it (the hub hands out a fresh signed address with each metadata call).
    """

    daemon_threads = True

    def __init__(self, repos: dict[str, dict[str, bytes]]) -> None:
        super().__init__(("127.0.0.1", 0), _HubHandler)
        self.repos = repos
        self.requests: list[tuple[str, str, str | None]] = []
        self.cut_once: dict[str, int] = {}
        self.fail: dict[str, int] = {}
        self.refuse_all: int | None = None
        self.fail_after_cut: dict[str, int] = {}
        self.stall_after: dict[str, int] = {}
        self.drop_every: dict[str, int] = {}
        self.next_statuses: dict[str, list[int]] = {}
        self.expire_on_cut = False
        self.expired: set[str] = set()
        self.sent: dict[str, int] = {}
        self.release = threading.Event()
        self.url = f"http://127.0.0.1:{self.server_address[1]}"

    def gets(self, filename: str) -> list[str | None]:
        """The Range header of each GET of ``filename`` (None when there was none)."""
        return [rng for method, path, rng in self.requests if method == "GET" and path.endswith("/" + filename)]


class _HubHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeHub

    def log_message(self, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, *, head: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        self.server.requests.append((self.command, path, self.headers.get("Range")))
        if self.server.refuse_all is not None:
            return self._send(self.server.refuse_all, b"{}", head=head)
        api = re.fullmatch(r"/api/models/([^/]+/[^/]+)(?:/revision/[^/]+)?", path)
        tree = re.fullmatch(r"/api/models/([^/]+/[^/]+)/tree/[^/]+", path)
        resolve = re.fullmatch(r"/([^/]+/[^/]+)/resolve/[^/]+/(.+)", path)
        repo_id = (api or tree or resolve).group(1) if (api or tree or resolve) else ""
        files = self.server.repos.get(repo_id)
        if files is None:
            return self._send(404, b'{"error": "Repository not found"}', {"X-Error-Code": "RepoNotFound"})
        if api:
            siblings = [{"rfilename": name, "size": len(data)} for name, data in files.items()]
            return self._send(200, json.dumps({"id": repo_id, "sha": COMMIT, "siblings": siblings}).encode())
        if tree:
            entries = [{"type": "file", "path": name, "size": len(data), "oid": hashlib.sha1(data).hexdigest()}
                       for name, data in files.items()]
            return self._send(200, json.dumps(entries).encode())
        if not resolve or resolve.group(2) not in files:
            return self._send(404, b"{}", {"X-Error-Code": "EntryNotFound", "X-Repo-Commit": COMMIT})
        name, data = resolve.group(2), files[resolve.group(2)]
        headers = {"X-Repo-Commit": COMMIT, "ETag": f'"{hashlib.sha256(data).hexdigest()}"'}
        if head:
            self.server.expired.discard(name)
            return self._send(200, data, headers, head=True)
        if name in self.server.expired:
            return self._send(403, b'{"error": "Request has expired"}')
        if self.server.next_statuses.get(name) and name not in self.server.cut_once:
            return self._send(self.server.next_statuses[name].pop(0), b"{}")
        if name in self.server.fail:
            return self._send(self.server.fail[name], b"{}")
        if name in self.server.fail_after_cut and name not in self.server.cut_once:
            return self._send(self.server.fail_after_cut[name], b"{}")
        start = int(re.fullmatch(r"bytes=(\d+)-", self.headers["Range"]).group(1)) if self.headers["Range"] else 0
        if start:
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        cut = self.server.cut_once.pop(name, None)
        if cut is None and name in self.server.drop_every:
            cut = self.server.drop_every[name]
        if cut is not None and self.server.expire_on_cut and start + cut < len(data):
            self.server.expired.add(name)
        stall = self.server.stall_after.pop(name, None)
        if stall is not None:
            self._send(206 if start else 200, data[start:], headers, limit=stall)
            self.server.sent[name] = stall
            self.server.release.wait(30)
            return
        self._send(206 if start else 200, data[start:], headers, limit=cut)

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None, *, head: bool = False,
              limit: int | None = None) -> None:
        self.send_response(status)
        for key, value in {"Content-Type": "application/octet-stream", **(headers or {})}.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body if limit is None else body[:limit])
        if limit is not None:
            self.wfile.flush()
            self.close_connection = True


@pytest.fixture
def hub_env(tmp_path, monkeypatch):
    """A private hub cache and short hub timeouts; huggingface_hub's import-time constants made to agree."""
    import huggingface_hub.constants as constants

    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_HUB_ETAG_TIMEOUT", "3")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_HUB_DOWNLOAD_TIMEOUT", 3)
    # Small read chunks, so a body cut mid-way leaves bytes on disk to resume from (the default is 10 MB).
    monkeypatch.setattr(constants, "DOWNLOAD_CHUNK_SIZE", 16 * 1024)
    from inkscope_desktop.engines.hub import resume

    monkeypatch.setattr(resume, "FIRST_PAUSE_S", 0.01, raising=False)  # retries within a run, no real pauses
    return tmp_path / "hf-home" / "hub"


@pytest.fixture
def hub(hub_env, monkeypatch):
    server = FakeHub({DEFAULT_MODEL_ID: {**WANTED, **UNWANTED}, SHARDED_ID: dict(SHARDED)})
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


def one_line(error: pytest.ExceptionInfo) -> str:
    text = str(error.value)
    assert "\n" not in text and text.strip() == text
    return text


def recorder() -> tuple[list[tuple[int, int]], model_source.ProgressCallback]:
    calls: list[tuple[int, int]] = []
    return calls, lambda done, total: calls.append((done, total))


def assert_progress(calls: list[tuple[int, int]], total: int) -> None:
    assert calls and all(t == total for _, t in calls), calls
    dones = [done for done, _ in calls]
    assert dones == sorted(dones) and all(0 <= done <= total for done in dones)
    assert calls[-1] == (total, total)


def test_download_fetches_allowed_files_then_resolves_offline(hub, hub_env, monkeypatch):
    calls, progress = recorder()
    path = download_model(progress=progress)

    assert path == hub_env / "models--prithivMLmods--Inkscope-Captions-2B-0526" / "snapshots" / COMMIT
    assert sorted(p.name for p in path.iterdir()) == sorted(WANTED)
    assert all((path / name).read_bytes() == data for name, data in WANTED.items())
    requested = {p.split("/resolve/", 1)[1].split("/", 1)[1] for _, p, _ in hub.requests if "/resolve/" in p}
    assert requested == set(WANTED)  # never pytorch_model.bin, sub-folders or the README
    assert_progress(calls, sum(len(data) for data in WANTED.values()))
    assert len(calls) > 5  # bytes arrive while files download, not just at the end

    seen = len(hub.requests)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert resolve_model() == path
    assert len(hub.requests) == seen
    info = model_info()
    assert (info.kind, info.path, info.complete, info.missing) == ("hub", path, True, ())
    assert info.size_bytes == sum(len(data) for data in WANTED.values())
    assert str(path) in info.describe() and "complete" in info.describe()


def test_resolve_downloads_when_missing_and_online(hub):
    calls, progress = recorder()
    path = resolve_model(DEFAULT_MODEL_ID, progress=progress)
    assert (path / "model.safetensors").read_bytes() == WEIGHTS
    assert calls[-1][0] == calls[-1][1] > 0
    count = len(hub.requests)
    assert resolve_model(DEFAULT_MODEL_ID) == path  # a complete cache needs no network
    assert len(hub.requests) == count


def test_a_cut_connection_resumes_with_a_range_request(hub):
    hub.cut_once["model.safetensors"] = 100_000
    calls, progress = recorder()
    path = download_model(progress=progress)

    assert (path / "model.safetensors").read_bytes() == WEIGHTS
    ranges = hub.gets("model.safetensors")
    assert ranges[0] is None and len(ranges) == 2
    assert ranges[1] is not None and 0 < int(ranges[1][6:-1]) <= 100_000
    assert_progress(calls, sum(len(data) for data in WANTED.values()))


STORAGE = "models--prithivMLmods--Inkscope-Captions-2B-0526"
WEIGHTS_SHA = hashlib.sha256(WEIGHTS).hexdigest()
SMALL_FILES = sum(len(data) for name, data in WANTED.items() if name != "model.safetensors")


def range_start(header: str | None) -> int:
    match = re.fullmatch(r"bytes=(\d+)-", header or "")
    assert match, header
    return int(match.group(1))


def test_a_killed_download_resumes_in_the_next_run(hub, hub_env, tmp_path):
    """The process dies mid-file (kill -9: no cleanup runs); the next run asks only for the missing bytes."""
    hub.stall_after["model.safetensors"] = 200_000
    code = ("import huggingface_hub.constants as c; c.DOWNLOAD_CHUNK_SIZE = 16 * 1024; "
            "from inkscope_desktop.engines.hub.model_source import download_model; download_model()")
    env = {**os.environ, "HF_ENDPOINT": hub.url, "HF_HUB_DOWNLOAD_TIMEOUT": "60"}
    child = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    partial = hub_env / STORAGE / "blobs" / (WEIGHTS_SHA + ".incomplete")
    try:
        deadline = time.monotonic() + 60
        while not (partial.is_file() and partial.stat().st_size >= 160_000):
            assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
            assert time.monotonic() < deadline, "the download never got going"
            time.sleep(0.05)
        time.sleep(0.2)
    finally:
        child.kill()
        child.wait(30)
        child.stderr.close()
    kept = partial.stat().st_size
    assert 0 < kept < len(WEIGHTS) and partial.read_bytes() == WEIGHTS[:kept]
    assert not model_info().complete

    calls, progress = recorder()
    path = download_model(progress=progress)
    assert (path / "model.safetensors").read_bytes() == WEIGHTS
    ranges = hub.gets("model.safetensors")
    assert ranges[0] is None and len(ranges) == 2 and range_start(ranges[1]) == kept
    assert calls[0][0] == kept + SMALL_FILES  # progress starts from the bytes already on disk
    assert_progress(calls, sum(len(data) for data in WANTED.values()))
    assert (path / "model.safetensors").resolve() == hub_env / STORAGE / "blobs" / WEIGHTS_SHA
    assert not list(hub_env.rglob("*.incomplete"))
    assert model_info().complete


def test_a_run_that_fails_mid_file_keeps_the_bytes_for_the_next_one(hub, hub_env, monkeypatch):
    hub.cut_once["model.safetensors"] = 100_000
    hub.fail_after_cut["model.safetensors"] = 500
    with pytest.raises(ModelError, match="HTTP 500"):
        download_model()
    info = model_info()
    assert not info.complete and info.missing == ("model.safetensors",)  # the small files are finished
    partial = hub_env / STORAGE / "blobs" / (WEIGHTS_SHA + ".incomplete")
    kept = partial.stat().st_size
    assert 0 < kept <= 100_000

    del hub.fail_after_cut["model.safetensors"]
    calls, progress = recorder()
    path = download_model(progress=progress)
    assert (path / "model.safetensors").read_bytes() == WEIGHTS
    assert range_start(hub.gets("model.safetensors")[-1]) == kept
    assert calls[0][0] == kept + SMALL_FILES
    assert_progress(calls, sum(len(data) for data in WANTED.values()))
    assert not partial.exists()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert resolve_model() == path


def test_a_partial_file_left_by_huggingface_hub_is_resumed(hub, hub_env):
    blobs = hub_env / STORAGE / "blobs"
    blobs.mkdir(parents=True)
    (blobs / f"{WEIGHTS_SHA}.1a2b3c4d.incomplete").write_bytes(WEIGHTS[:50_000])
    (blobs / f"{WEIGHTS_SHA}.5e6f7a8b.incomplete").write_bytes(WEIGHTS[:20_000])
    path = download_model()
    assert (path / "model.safetensors").read_bytes() == WEIGHTS
    assert hub.gets("model.safetensors") == ["bytes=50000-"]
    assert not list(hub_env.rglob("*.incomplete"))


def test_a_corrupt_partial_file_is_dropped_and_fetched_again(hub, hub_env):
    blobs = hub_env / STORAGE / "blobs"
    blobs.mkdir(parents=True)
    (blobs / f"{WEIGHTS_SHA}.incomplete").write_bytes(b"\0" * 100_000)  # e.g. unflushed pages after a crash
    with pytest.raises(ModelError) as error:
        download_model()
    assert "corrupt" in one_line(error) and not (blobs / f"{WEIGHTS_SHA}.incomplete").exists()
    path = download_model()
    assert (path / "model.safetensors").read_bytes() == WEIGHTS
    assert hub.gets("model.safetensors") == ["bytes=100000-", None]


def test_a_failed_run_keeps_finished_files_for_the_next_one(hub, hub_env, monkeypatch):
    hub.fail["model.safetensors"] = 500
    with pytest.raises(ModelError) as error:
        download_model()
    assert "HTTP 500" in one_line(error) and "what was already downloaded is kept" in str(error.value)

    info = model_info()
    assert info.path is not None and not info.complete and info.missing == ("model.safetensors",)
    assert f"inkscope-desktop model download {DEFAULT_MODEL_ID}" in info.describe()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelNotFoundError, match="only partly downloaded"):
        resolve_model()

    monkeypatch.delenv("HF_HUB_OFFLINE")
    del hub.fail["model.safetensors"]
    calls, progress = recorder()
    path = download_model(progress=progress)
    assert (path / "model.safetensors").read_bytes() == WEIGHTS
    assert len(hub.gets("config.json")) == 1  # kept from the first run
    assert calls[0][0] == sum(len(data) for name, data in WANTED.items() if name != "model.safetensors")
    assert_progress(calls, sum(len(data) for data in WANTED.values()))
    assert not list(hub_env.rglob("*.incomplete"))


def test_a_missing_shard_counts_as_not_downloaded(hub, hub_env, monkeypatch):
    path = download_model(SHARDED_ID)
    shard = path / "model-00002-of-00002.safetensors"
    blob = shard.resolve()
    shard.unlink()
    blob.unlink()
    info = model_info(SHARDED_ID)
    assert not info.complete and info.missing == ("model-00002-of-00002.safetensors",)

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelNotFoundError) as error:
        resolve_model(SHARDED_ID)
    assert "only partly downloaded" in one_line(error) and "unset HF_HUB_OFFLINE" in one_line(error)

    monkeypatch.delenv("HF_HUB_OFFLINE")
    assert resolve_model(SHARDED_ID) == path
    assert model_info(SHARDED_ID).complete
    assert len(hub.gets("model-00001-of-00002.safetensors")) == 1
    assert len(hub.gets("model-00002-of-00002.safetensors")) == 2


@pytest.mark.parametrize("variable", ["HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"])
def test_offline_without_the_model_names_the_download_command(hub_env, monkeypatch, variable):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # must never be contacted
    monkeypatch.setenv(variable, "1")
    with pytest.raises(ModelNotFoundError) as error:
        resolve_model()
    text = one_line(error)
    assert text == (f"The model {DEFAULT_MODEL_ID} is not downloaded yet, and offline mode is on ({variable}), so "
                    f"Inkscope did not download it. To download it, unset {variable} while this computer is online, "
                    "then try again.")
    assert error.value.is_offline
    with pytest.raises(ModelNotFoundError, match="offline"):
        resolve_model(offline=True)
    with pytest.raises(ModelNotFoundError) as explicit:  # model download, while offline
        download_model()
    assert f"offline mode is on ({variable})" in one_line(explicit) and f"unset {variable}" in one_line(explicit)


def test_offline_by_the_command_line_switch_names_that_switch(hub_env, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    with pytest.raises(ModelNotFoundError) as error:
        resolve_model(offline=True)
    assert "(--offline)" in one_line(error) and "leave out --offline" in one_line(error)


def test_an_unreachable_hub_is_a_clear_error(hub_env, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    started = time.monotonic()
    with pytest.raises(ModelNotFoundError) as error:
        resolve_model(offline=False)
    text = one_line(error)
    assert text.startswith(f"Inkscope tried to download its model, {DEFAULT_MODEL_ID}, from the Hugging Face hub, "
                           "but could not reach the hub")
    assert "no internet connection, or a proxy or firewall blocks it" in text and "try again" in text
    assert "`" not in text and "Error" not in text and "ConnectError" not in text  # plain words, read aloud
    assert not error.value.is_offline
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("status", [404, 401])
def test_an_unknown_or_gated_repo_is_a_clear_error(hub, status):
    if status == 401:
        hub.refuse_all = 401
    with pytest.raises(ModelNotFoundError) as error:
        download_model("nobody/no-such-model")
    text = one_line(error)
    assert "nobody/no-such-model" in text and "the name is wrong" in text and "hf auth login" in text


def test_local_folders(tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    (good / "config.json").write_text("{}")
    (good / "model.safetensors").write_bytes(b"weights")
    assert resolve_model(str(good)) == good.resolve()
    info = model_info(str(good))
    assert (info.kind, info.complete, info.size_bytes) == ("folder", True, 9)
    assert str(good.resolve()) in info.describe()

    no_config = tmp_path / "no-config"
    no_config.mkdir()
    (no_config / "model.safetensors").write_bytes(b"weights")
    with pytest.raises(ModelNotFoundError) as error:
        resolve_model(str(no_config))
    assert "config.json" in one_line(error)

    bin_only = tmp_path / "bin-only"
    bin_only.mkdir()
    (bin_only / "config.json").write_text("{}")
    (bin_only / "pytorch_model.bin").write_bytes(b"pickle")
    with pytest.raises(ModelNotFoundError) as error:
        resolve_model(str(bin_only))
    text = one_line(error)
    assert "safetensors" in text and "pytorch_model.bin" in text and "Only safetensors weights are loaded" in text
    info = model_info(str(bin_only))
    assert not info.complete and info.missing == ("*.safetensors weights",)
    assert "incomplete" in info.describe()


@pytest.mark.parametrize("source", ["./no/such/folder", "/no/such/folder", "~/no-such-inkscope-folder"])
def test_a_path_that_does_not_exist_says_so(source):
    with pytest.raises(ModelNotFoundError) as error:
        resolve_model(source)
    assert "does not exist" in one_line(error)
    with pytest.raises(ModelNotFoundError, match="does not exist"):
        model_info(source)


def test_a_file_is_not_a_model_folder(tmp_path):
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"x")
    with pytest.raises(ModelNotFoundError) as error:
        resolve_model(str(weights))
    assert "is a file" in one_line(error)


def test_model_info_for_an_absent_model_is_offline_safe(hub_env, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    info = model_info("someone/absent-model")
    assert (info.kind, info.path, info.size_bytes, info.complete) == ("hub", None, 0, False)
    text = info.describe()
    assert "not downloaded" in text and "inkscope-desktop model download someone/absent-model" in text
    assert str(hub_cache_dir()) in text


@pytest.mark.parametrize(("hub_value", "transformers_value", "expected"), [
    ("1", None, True), ("ON", None, True), ("yes", None, True), ("true", None, True),
    ("0", None, False), (None, None, False), (None, "1", True), ("0", "1", False),
])
def test_is_offline_reads_the_environment_like_huggingface_hub(monkeypatch, hub_value, transformers_value, expected):
    for name, value in (("HF_HUB_OFFLINE", hub_value), ("TRANSFORMERS_OFFLINE", transformers_value)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert is_offline() is expected


def test_hub_cache_dir_follows_hf_home_and_hf_hub_cache(tmp_path, monkeypatch):
    for name in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert hub_cache_dir() == tmp_path / "xdg" / "huggingface" / "hub"
    monkeypatch.setenv("HF_HOME", str(tmp_path / "home"))
    assert hub_cache_dir() == tmp_path / "home" / "hub"
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "cache"))
    assert hub_cache_dir() == tmp_path / "cache"


def test_a_fresh_process_downloads_and_loads_offline_through_the_environment(hub, tmp_path):
    """huggingface_hub reads HF_ENDPOINT and HF_HUB_OFFLINE at import: check a real process agrees with us."""
    env = {**os.environ, "HF_ENDPOINT": hub.url, "HF_HOME": str(tmp_path / "fresh-home")}
    env.pop("HF_HUB_CACHE", None)
    code = "from inkscope_desktop.engines.hub.model_source import {0}; print({0}())"
    download = subprocess.run([sys.executable, "-c", code.format("download_model")], env=env,
                              capture_output=True, text=True, timeout=120)
    assert download.returncode == 0, download.stderr
    offline = subprocess.run([sys.executable, "-c", code.format("resolve_model")],
                             env={**env, "HF_HUB_OFFLINE": "1", "HF_ENDPOINT": "http://127.0.0.1:9"},
                             capture_output=True, text=True, timeout=120)
    assert offline.returncode == 0, offline.stderr
    assert offline.stdout.strip() == download.stdout.strip()
    assert Path(offline.stdout.strip(), "model.safetensors").read_bytes() == WEIGHTS


def test_byte_progress_without_file_sizes_and_with_a_rolled_back_bar():
    from inkscope_desktop.engines.hub.progress import ByteProgress

    calls, callback = recorder()
    progress = ByteProgress(callback, total=0, already_done=10)
    progress.start()
    bar = progress.bar_class()(total=0, initial=0, unit="B", unit_scale=True)
    files = progress.bar_class()(total=3, desc="Fetching 3 files")  # not in bytes: ignored
    bar.total = 100
    bar.update(40)
    files.update(1)
    bar.update(-40)  # the hub rolls back when a server ignores a Range request
    bar.update(100)
    progress.finish()
    dones = [done for done, _ in calls]
    assert dones == sorted(dones) and calls[0] == (10, 10) and calls[-1] == (110, 110)
    assert all(done <= total for done, total in calls)


def test_importing_the_module_loads_no_model_library():
    code = ("import sys, inkscope_desktop.engines.hub.model_source; "
            "print(sorted(m for m in ('huggingface_hub', 'torch', 'transformers', 'tqdm') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"



def test_a_link_that_drops_every_few_bytes_still_finishes_in_one_run(hub, hub_env, monkeypatch):
    """Every byte that arrives is kept: the hub's own http_get wrote whole 10 MiB blocks and lost the rest at
    each drop, so a link that dropped more often than that never wrote a byte."""
    import huggingface_hub.constants as constants

    monkeypatch.setattr(constants, "DOWNLOAD_CHUNK_SIZE", 10 * 1024 * 1024)  # the hub's real block size
    hub.drop_every["model.safetensors"] = 40_000  # far less than a block
    calls, progress = recorder()
    path = download_model(progress=progress)
    assert (path / "model.safetensors").read_bytes() == WEIGHTS
    gets = hub.gets("model.safetensors")
    assert len(gets) >= len(WEIGHTS) // 40_000
    assert [range_start(header) for header in gets[1:]] == sorted(range_start(header) for header in gets[1:])
    assert_progress(calls, sum(len(data) for data in WANTED.values()))
    steps = {later[0] - earlier[0] for earlier, later in zip(calls, calls[1:])}
    assert max(steps) <= 1024 * 1024  # progress moves as bytes arrive, not in 10 MiB steps


def test_a_server_error_on_a_resume_request_is_tried_again_in_the_same_run(hub, hub_env):
    hub.cut_once["model.safetensors"] = 100_000
    hub.next_statuses["model.safetensors"] = [503, 502]  # answered to the resume requests after the cut
    path = download_model()
    assert (path / "model.safetensors").read_bytes() == WEIGHTS
    gets = hub.gets("model.safetensors")
    assert len(gets) == 4 and gets[0] is None
    assert range_start(gets[-1]) == range_start(gets[1]) > 0  # the bytes before the cut were kept


def test_an_expired_download_address_is_asked_for_again(hub, hub_env):
    hub.cut_once["model.safetensors"] = 100_000
    hub.expire_on_cut = True  # the address the hub gave is refused (403) once the connection was cut
    path = download_model()
    assert (path / "model.safetensors").read_bytes() == WEIGHTS
    after_cut = hub.requests[[i for i, r in enumerate(hub.requests)
                              if r[0] == "GET" and r[1].endswith("/model.safetensors")][0] + 1:]
    methods = [method for method, path, _ in after_cut if path.endswith("/model.safetensors")]
    assert methods[:2] == ["HEAD", "GET"]  # fresh metadata, then the rest of the file from the new address


def test_a_disk_without_room_is_told_before_anything_is_written(hub, hub_env, monkeypatch):
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 50_000, 50_000))
    with pytest.raises(DownloadError) as raised:
        download_model()
    text = one_line(raised)
    assert "needs 0.2 GB free in" in text and "only 0 MB free" in text and "HF_HOME" in text
    assert text.count(".") >= 2 and text.endswith(".")
    assert not hub.gets("model.safetensors")
    assert not (hub_env / STORAGE / "blobs").exists() or not any((hub_env / STORAGE / "blobs").iterdir())


def test_a_link_that_stops_carrying_bytes_says_so_and_what_is_kept(hub, hub_env):
    hub.cut_once["model.safetensors"] = 100_000
    hub.drop_every["model.safetensors"] = 0  # after the cut, every connection drops before a byte
    with pytest.raises(DownloadError) as raised:
        download_model()
    text = one_line(raised)
    assert text.startswith("The connection to the Hugging Face hub kept dropping while Inkscope downloaded "
                           "model.safetensors; 100 KB of 300 KB are kept.")
    assert "could not reach" not in text and "goes on from there" in text


def test_ctrl_c_during_a_download_says_it_can_go_on(hub, hub_env, tmp_path):
    import signal

    hub.stall_after["model.safetensors"] = 50_000
    env = {**os.environ, "HF_ENDPOINT": hub.url, "HF_HOME": str(hub_env.parent)}
    child = subprocess.Popen([sys.executable, "-m", "inkscope_desktop", "model", "download"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while hub.sent.get("model.safetensors") is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    child.send_signal(signal.SIGINT)
    _out, err = child.communicate(timeout=60)
    hub.release.set()
    assert child.returncode == 130, err
    assert "What was downloaded is kept: run the same command again to go on from there." in err.decode()
    assert "Traceback" not in err.decode()
