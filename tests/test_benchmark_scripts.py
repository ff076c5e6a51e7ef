"""The speed benchmark runs on the CPU with the tiny model and prints its whole table (no timings asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.model
def test_gpu_speed_prints_every_row_on_the_cpu():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "gpu_speed.py"), "--runs", "1", "--tokens", "8",
         "--details", "low,normal", "--folder", "4", "--folder-tokens", "4", "--batch-size", "2"],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "tiny random Qwen2-VL-2B on CPU" in out
    assert "plain generate (compiling the decode step pays only on CUDA GPUs" in out
    for row in ("1280x720       low", "1280x720    normal", "1920x1080      low", "1920x1080   normal"):
        assert row in out
    assert "follow-up 1280x720 normal: ours first caption" in out
    assert "MB of decoder weights per token; measured copy bandwidth" in out
    assert "folder of 4 1280x720 at normal, 4 tokens each: snippet looped" in out and "ours at batch 2" in out


def test_the_fault_script_prints_every_case_and_none_hangs():
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "faults.py")], capture_output=True, text=True,
                            timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line for line in result.stdout.splitlines()[1:8]]
    assert len(rows) == 7 and not any(" hung " in row or "Traceback" in row for row in rows), result.stdout
    assert "did not finish its answer within 3 s" in result.stdout


@pytest.mark.skipif(not __import__("os").environ.get("DISPLAY"), reason="the soak describes the screen")
def test_the_soak_script_prints_memory_and_time_to_idle():
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "soak.py"), "--triggers", "20", "--settle", "1"],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "20 describe-screen triggers" in result.stdout and "the app is still running" in result.stdout
    assert "right after the burst" in result.stdout and "time from the last trigger to idle" in result.stdout
