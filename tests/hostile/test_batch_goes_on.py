"""Any unforeseen failure of one input ends only that input: a one-line row (``error`` in --jsonl), the traceback in
the log file and not on stderr, the run goes on, and the exit status says some failed. Each run is the CLI as a
subprocess, with the engine patched to fail unexpectedly (a ValueError, as qwen-vl-utils raised for strips) on
the one input whose name holds "boom"."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

FAIL_ON_BOOM = textwrap.dedent('''
    import sys
    from inkscope_desktop.engines.fake import FakeEngine
    from inkscope_desktop.engines.remote.engine import RemoteEngine

    def failing(inner):
        def _generate(self, request, cancel):
            if "boom" in request.source:
                raise ValueError("absolute aspect ratio must be smaller than 200, got 5000.0")
            return (yield from inner(self, request, cancel))
        return _generate

    for kind in (FakeEngine, RemoteEngine):
        kind._generate = failing(kind._generate)
    from inkscope_desktop.cli import main
    sys.exit(main(sys.argv[1:]))
''')


def folder_of_three(tmp_path: Path) -> Path:
    folder = tmp_path / "shots"
    folder.mkdir()
    rng = np.random.default_rng(1)
    for name in ("a.png", "b-boom.png", "c.png"):
        Image.fromarray(rng.integers(0, 256, (40, 60, 3), dtype=np.uint8), "RGB").save(folder / name)
    return folder


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", FAIL_ON_BOOM, *args], capture_output=True, timeout=300)


@pytest.mark.parametrize("jsonl", [True, False])
def test_a_folder_run_goes_on_past_an_unforeseen_failure(tmp_path, private_folders, jsonl):
    folder = folder_of_three(tmp_path)
    done = run("describe", str(folder), "--engine", "fake", *(["--jsonl"] if jsonl else []))
    stderr = done.stderr.decode()
    assert done.returncode == 1, stderr  # some failed
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and "unexpectedly (ValueError" in errors[0], stderr
    if jsonl:
        records = [json.loads(line) for line in done.stdout.decode().splitlines()]
        assert [Path(r["path"]).name for r in records] == ["a.png", "b-boom.png", "c.png"]
        assert records[0]["error"] is None and records[2]["error"] is None
        assert records[1]["caption"] is None
        assert records[1]["error"].startswith("Describing it failed unexpectedly (ValueError: absolute aspect")
    else:
        assert "c.png" in done.stdout.decode()
    log = (private_folders["data"] / "inkscope-desktop.log").read_text()
    assert "Traceback" in log and "ValueError: absolute aspect ratio" in log


def test_a_concurrent_remote_run_goes_on_past_an_unforeseen_failure(tmp_path, private_folders):
    sys.path.insert(0, str(Path(__file__).parents[1] / "engines"))
    from fake_chat_server import FakeChatServer

    folder = folder_of_three(tmp_path)
    with FakeChatServer() as server:
        done = run("describe", str(folder), "--engine", "remote", "--base-url", server.url,
                   "--remote-model", "inkscope-2b", "--jsonl", "--concurrency", "3")
    stderr = done.stderr.decode()
    assert done.returncode == 1, stderr
    assert "Traceback" not in stderr
    records = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [record["error"] is None for record in records] == [True, False, True]


def test_a_gpu_batch_goes_on_past_an_unforeseen_failure():
    """The batch path: a batch that fails goes one by one, and one input's unforeseen failure is its own row."""
    from inkscope_desktop.core.errors import InputFailedError
    from inkscope_desktop.core.types import CaptionRequest, CaptionResult
    from inkscope_desktop.engines.local.batch import describe_in_batches

    class EngineDouble:
        def load(self):
            raise RuntimeError("CUDA error: an illegal memory access was encountered")

        def describe(self, request):
            if "boom" in request.source:
                raise ValueError("absolute aspect ratio must be smaller than 200, got 5000.0")
            return CaptionResult(text=f"About {request.source}.", prompt=request.prompt)

    rng = np.random.default_rng(2)
    requests = [CaptionRequest(Image.fromarray(rng.integers(0, 256, (40, 60, 3), dtype=np.uint8), "RGB"), "What?",
                               source=name) for name in ("a.png", "b-boom.png", "c.png")]
    outcomes = list(describe_in_batches(EngineDouble(), requests, 3))
    assert isinstance(outcomes[0], CaptionResult) and isinstance(outcomes[2], CaptionResult)
    assert isinstance(outcomes[1], InputFailedError) and "ValueError" in outcomes[1].message
