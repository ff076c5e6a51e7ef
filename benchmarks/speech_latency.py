"""Speech latency: streamed narration against speaking after the whole caption, and how fast stopping silences.

Rows (median and worst over ``--runs`` runs), with the own voice (pyttsx3 + espeak-ng in its child process):

- first chunk to first speech, streaming: the fake engine streams a three-sentence caption word by word at a
  realistic rate through the caption service into the narrator; "first speech" is the moment the player child
  has been started with the first sentence's audio. The baseline speaks only after the whole caption,
  measured in the same run; the ratio is baseline / streaming.
- sentence end to first speech: from the chunk that completes the first sentence. Target ≤ 150 ms. With
  eager sentences (the narrator's default) a plainly finished sentence goes out at once; the second row
  waits for the next chunk first (a full stop may still turn out to be "3.5" or 'end."').
- stop to silence: ``Narrator.stop()`` (and a new caption's ``begin()``) while a long sentence plays in real
  time, until the player child is gone and its output has stopped growing; and while a long piece is still
  being synthesized, until the synthesis child is gone. Target ≤ 100 ms.
- the GUI thread's cost of ``Narrator.feed`` per chunk (microseconds).

The player is ``aplay -D null`` (a real player; no sound card is needed) for the first rows, and a paced
stand-in that writes frames in real time (``tests/speech/paced_player.py``) for the stop rows.

    python benchmarks/speech_latency.py [--runs 3] [--rates 25,8]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "speech"))  # the paced stand-in player, process checks

from PIL import Image  # noqa: E402
from speech_checks import process_is_gone, wait_until  # noqa: E402

from inkscope_desktop.core.service import CaptionService, Chunk, Finished, Started  # noqa: E402
from inkscope_desktop.core.types import CaptionRequest  # noqa: E402
from inkscope_desktop.engines.fake import FakeEngine  # noqa: E402
from inkscope_desktop.speech.audio import CommandPlayer, FolderSink  # noqa: E402
from inkscope_desktop.speech.narrator import Narrator  # noqa: E402
from inkscope_desktop.speech.pyttsx3_speaker import Pyttsx3Speaker  # noqa: E402

CAPTION = ("A settings dialog is open in the middle of the screen. It has three tabs named General, "
           "Privacy and Advanced along its top edge. The OK button at the bottom right has the keyboard focus.")
LONG_SENTENCE = " ".join(["The window shows a long list of files with their names, sizes and dates"] * 5) + "."
HUGE_PIECE = " ".join(["The window shows a long list of files, with names, sizes, dates"] * 60)
FIRST_TARGET_MS, STOP_TARGET_MS = 150.0, 100.0


def line(name: str, samples_ms: list[float], target_ms: float | None = None, unit: str = "ms") -> None:
    verdict = "" if target_ms is None else ("  ok" if max(samples_ms) <= target_ms else "  OVER TARGET")
    target = f"≤ {target_ms:.0f}" if target_ms is not None else ""
    print(f"{name:<58} {statistics.median(samples_ms):9.1f} {max(samples_ms):9.1f} {unit:<3} {target:>6}{verdict}")


def caption_run(narrator: Narrator, speaker: Pyttsx3Speaker, rate: float, streaming: bool) -> dict[str, float]:
    """One caption at ``rate`` chunks/s: times (perf_counter) of first chunk, first sentence end, speech start."""
    times: dict[str, float] = {}
    done = threading.Event()
    feed_costs: list[float] = []

    def started_piece(text: str) -> None:
        times.setdefault("speech", time.perf_counter())

    def listener(event) -> None:  # service worker thread, standing in for the GUI thread
        now = time.perf_counter()
        if isinstance(event, Started) and streaming:
            narrator.begin()
        elif isinstance(event, Chunk):
            times.setdefault("first_chunk", now)
            if event.text.rstrip().endswith("screen."):
                times["sentence_end"] = now
            if streaming:
                narrator.feed(event.text)
                feed_costs.append((time.perf_counter() - now) * 1e6)
        elif isinstance(event, Finished):
            times["finished"] = now
            narrator.end() if streaming else narrator.say(event.result.text)
            done.set()

    speaker.on_piece_started = started_piece
    service = CaptionService(FakeEngine(CAPTION, chunk_delay_s=1.0 / rate), listener)
    service.start()
    try:
        service.submit(CaptionRequest(image=Image.linear_gradient("L").convert("RGB"), prompt="Describe."))
        done.wait(60)
        wait_until(lambda: "speech" in times, 30)
        wait_until(lambda: not narrator.is_speaking, 60)
    finally:
        service.stop()
    times["feed_us"] = max(feed_costs) if feed_costs else 0.0
    times["feed_median_us"] = statistics.median(feed_costs) if feed_costs else 0.0
    return times


def first_speech_rows(runs: int, rates: list[float]) -> None:
    if shutil.which("aplay"):
        make_sink, sink_name = (lambda: CommandPlayer(["aplay", "-q", "-D", "null", "{path}"])), "aplay -D null"
    else:
        make_sink, sink_name = (lambda: FolderSink(tempfile.mkdtemp(prefix="speech-bench-"))), "WAV folder"
    problems: list[str] = []
    voices = {eager: Pyttsx3Speaker(sink=make_sink()) for eager in (True, False)}
    narrators = {eager: Narrator(voices[eager], problems.append, eager_sentences=eager) for eager in voices}
    for narrator in narrators.values():
        narrator.prepare()
        narrator.say("Warm up.")
        wait_until(lambda: not narrator.is_speaking, 30)
    print(f"player: {sink_name}")
    try:
        for rate in rates:
            rows: dict[str, list[float]] = {key: [] for key in (
                "stream", "whole", "end", "end_lookahead", "feed_median", "feed_max")}
            for _ in range(runs):
                streamed = caption_run(narrators[True], voices[True], rate, streaming=True)
                lookahead = caption_run(narrators[False], voices[False], rate, streaming=True)
                baseline = caption_run(narrators[True], voices[True], rate, streaming=False)
                rows["stream"].append((streamed["speech"] - streamed["first_chunk"]) * 1000)
                rows["end"].append((streamed["speech"] - streamed["sentence_end"]) * 1000)
                rows["end_lookahead"].append((lookahead["speech"] - lookahead["sentence_end"]) * 1000)
                rows["whole"].append((baseline["speech"] - baseline["first_chunk"]) * 1000)
                rows["feed_max"].append(streamed["feed_us"])
                rows["feed_median"].append(streamed["feed_median_us"])
            print(f"-- fake engine at {rate:g} chunks/s ({1000 / rate:.0f} ms per word)")
            line("first chunk -> first speech, streaming", rows["stream"])
            line("first chunk -> first speech, after the whole caption", rows["whole"])
            ratios = [w / s for w, s in zip(rows["whole"], rows["stream"])]
            print(f"{'ratio whole-caption / streaming':<58} {statistics.median(ratios):9.1f}x")
            line("sentence end -> first speech (eager sentences, default)", rows["end"], FIRST_TARGET_MS)
            line("sentence end -> first speech (waiting for the next chunk)", rows["end_lookahead"],
                 FIRST_TARGET_MS)
            line("Narrator.feed per chunk on the caller's thread (median)", rows["feed_median"], unit="us")
            line("Narrator.feed per chunk on the caller's thread (worst)", rows["feed_max"], unit="us")
    finally:
        for narrator in narrators.values():
            narrator.close()
    if problems:
        print("problems:", *sorted(set(problems)), sep="\n  ")


def stop_rows(runs: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="speech-bench-"))
    played = work / "played.raw"
    player = CommandPlayer([sys.executable, str(ROOT / "tests" / "speech" / "paced_player.py"), "{path}",
                            str(played)])
    speaker = Pyttsx3Speaker(sink=player)
    narrator = Narrator(speaker)
    narrator.prepare()
    results: dict[str, list[float]] = {"stop": [], "begin": [], "synthesis": [], "silence": []}
    try:
        for _ in range(runs):
            for how in ("stop", "begin"):
                played.write_bytes(b"")
                narrator.say(LONG_SENTENCE)
                wait_until(lambda: played.stat().st_size > 10_000, 30, 0.001)
                pid = player.last_pid
                asked = time.perf_counter()
                narrator.stop() if how == "stop" else narrator.begin()
                wait_until(lambda: process_is_gone(pid), 5, 0.0002)
                gone = time.perf_counter()
                results[how].append((gone - asked) * 1000)
                size = played.stat().st_size
                time.sleep(0.1)
                results["silence"].append(float(played.stat().st_size - size))
                narrator.stop()
            narrator.say(HUGE_PIECE)
            wait_until(lambda: speaker.synthesis.is_busy, 10, 0.0005)
            pid = speaker.synthesis.pid
            asked = time.perf_counter()
            narrator.stop()
            wait_until(lambda: process_is_gone(pid), 5, 0.0002)
            results["synthesis"].append((time.perf_counter() - asked) * 1000)
            wait_until(lambda: not narrator.is_speaking, 10)
    finally:
        narrator.close()
    line("stop() while a sentence plays -> player gone", results["stop"], STOP_TARGET_MS)
    line("begin() of a new caption while one plays -> player gone", results["begin"], STOP_TARGET_MS)
    line("stop() during synthesis -> synthesis child gone", results["synthesis"], STOP_TARGET_MS)
    print(f"{'bytes of audio written in the 100 ms after the player was gone':<58} {max(results['silence']):9.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rates", default="25,8", help="chunks (words) per second, comma-separated")
    args = parser.parse_args()
    if Pyttsx3Speaker(sink=FolderSink(tempfile.gettempdir())).availability_problem() is not None:
        sys.exit("pyttsx3 with espeak-ng is needed for this benchmark")
    print(f"{'':<58} {'median':>9} {'worst':>9}")
    first_speech_rows(args.runs, [float(rate) for rate in args.rates.split(",")])
    print("-- stopping")
    stop_rows(args.runs)


if __name__ == "__main__":
    main()
