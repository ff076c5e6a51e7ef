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
