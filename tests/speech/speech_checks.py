"""Speech test helpers: duration and loudness of a WAV (wave module and sox), child processes, polling."""

from __future__ import annotations

import array
import math
import re
import shutil
import subprocess
import sys
import time
import wave
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WavFacts:
    seconds: float
    rms: float  # of 16-bit samples, 0..32768
    peak: int
    rate: int


def wav_facts(path: Path) -> WavFacts:
    with wave.open(str(path), "rb") as sound:
        assert sound.getsampwidth() == 2, "espeak-ng writes 16-bit samples"
        frames = sound.readframes(sound.getnframes())
        rate, count = sound.getframerate(), sound.getnframes()
    samples = array.array("h")
    samples.frombytes(frames)
    if sys.byteorder == "big":
        samples.byteswap()
    rms = math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0
    return WavFacts(count / rate if rate else 0.0, rms, max((abs(s) for s in samples), default=0), rate)


def plausible_seconds(text: str) -> tuple[float, float]:
    """A generous range for speaking ``text`` at 80 to 450 words per minute, pauses included."""
    words = max(1, len(text.split()))
    return words * 60 / 450 * 0.5, words * 60 / 80 + 2.0


def sox_rms(path: Path) -> float | None:
    """sox's RMS amplitude (0..1) of the file, or None without sox."""
    if shutil.which("sox") is None:
        return None
    result = subprocess.run(["sox", str(path), "-n", "stat"], capture_output=True, text=True, timeout=30)
    match = re.search(r"RMS\s+amplitude:\s+([0-9.]+)", result.stderr)
    assert match, result.stderr
    return float(match.group(1))


def process_is_gone(pid: int) -> bool:
    """True when ``pid`` has exited (a zombie counts as gone: it produces nothing any more)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().split(") ", 1)[1].startswith("Z")
    except (FileNotFoundError, ProcessLookupError):  # reaped between open and read
        return True


def wait_until(condition, timeout_s: float = 10.0, interval_s: float = 0.005) -> bool:
    """Poll ``condition`` until it holds or ``timeout_s`` passes (a guard against hangs, not a timing test)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval_s)
    return bool(condition())
