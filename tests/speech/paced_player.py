"""A stand-in sound card for machines without one: "plays" a WAV in real time by copying its frames to a file.

    python paced_player.py SOUND.wav OUTPUT.raw

It appends the frames to OUTPUT in 20 ms slices at the WAV's own rate, so a killed player leaves a file
that stops growing part-way: tests and the benchmark check that stopping really silences the audio.
"""

from __future__ import annotations

import sys
import time
import wave

SLICE_S = 0.02


def main(argv: list[str]) -> int:
    with wave.open(argv[1], "rb") as sound, open(argv[2], "ab", buffering=0) as output:
        frames_per_slice = max(1, int(sound.getframerate() * SLICE_S))
        started = time.perf_counter()
        played = 0
        while True:
            frames = sound.readframes(frames_per_slice)
            if not frames:
                return 0
            output.write(frames)
            played += frames_per_slice
            delay = started + played / sound.getframerate() - time.perf_counter()
            if delay > 0:
                time.sleep(delay)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
