"""Engine overhead: the engine's time to first chunk and total time vs. a bare ``model.generate``.

Both sides get the same image, prompt, pixel limits and generation settings, build their inputs the model
card's way on every run, stream through a TextIteratorStreamer and generate the same forced number of
tokens on the tiny random Qwen2-VL (CPU). Prints medians over ``--runs`` runs and the ratios.
Target: the engine adds at most 5 % or 20 ms to the time to first chunk.

    python benchmarks/engine_overhead.py [--runs 20] [--tokens 64] [--size 1280x720]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def bare_generate(model, processor, messages, kwargs) -> tuple[float, float]:
    """The model card's snippet with a streamer: returns (seconds to first chunk, total seconds)."""
    from qwen_vl_utils import process_vision_info
    from transformers import TextIteratorStreamer

    started = time.perf_counter()
    text = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    image_inputs, video_inputs = process_vision_info(messages)
    inputs = processor(text=[text], images=image_inputs, videos=video_inputs, padding=True, return_tensors="pt")
    streamer = TextIteratorStreamer(processor.tokenizer, skip_prompt=True, skip_special_tokens=True)
    thread = threading.Thread(target=model.generate, kwargs=dict(inputs, streamer=streamer, **kwargs))
    thread.start()
    first = None
    for chunk in streamer:
        if chunk and first is None:
            first = time.perf_counter()
    thread.join()
    ended = time.perf_counter()
    return (first or ended) - started, ended - started


def engine_generate(engine, request) -> tuple[float, float]:
    started = time.perf_counter()
    first = None
    for _ in engine.stream(request):
        if first is None:
            first = time.perf_counter()
    ended = time.perf_counter()
    return (first or ended) - started, ended - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--size", default="1280x720", help="image size WxH")
    args = parser.parse_args()

    import numpy as np
    import torch
    from PIL import Image

    from inkscope_desktop.core.conversation import Conversation
    from inkscope_desktop.core.prompts import build_messages
    from inkscope_desktop.engines.local.qwen2vl import Qwen2VLEngine
    from inkscope_desktop.testing.random_qwen2vl import save_random_qwen2vl

    torch.set_num_threads(max(1, torch.get_num_threads()))
    width, height = (int(v) for v in args.size.lower().split("x"))
    image = Image.fromarray(np.random.default_rng(0).integers(0, 256, (height, width, 3), dtype=np.uint8))
    with tempfile.TemporaryDirectory() as folder:
        save_random_qwen2vl(folder)
        force = {"min_new_tokens": args.tokens}
        engine = Qwen2VLEngine(folder, device="cpu", generate_kwargs=force)
        engine.load()
        request = Conversation(image, max_new_tokens=args.tokens).request(
            "Generate a detailed caption for this image.")
        messages = build_messages(request)
        kwargs = dict(engine.generation_kwargs(request))
        model, processor = engine._model, engine._processor

        for _ in range(3):  # warm both paths
            bare_generate(model, processor, messages, kwargs)
            engine_generate(engine, request)
        bare, ours = [], []
        for _ in range(args.runs):  # interleaved, so drift in machine load hits both alike
            bare.append(bare_generate(model, processor, messages, kwargs))
            ours.append(engine_generate(engine, request))

    def median(rows, column):
        return statistics.median(row[column] for row in rows)

    print(f"engine overhead on the tiny Qwen2-VL, CPU, {width}x{height} image, {args.tokens} new tokens, "
          f"median of {args.runs} runs (torch {torch.__version__}, {torch.get_num_threads()} threads)")
    print(f"{'':24}{'bare generate':>16}{'engine':>12}{'ratio':>9}{'difference':>13}")
    for label, column in (("time to first chunk", 0), ("total time", 1)):
        b, o = median(bare, column), median(ours, column)
        print(f"{label:24}{b * 1000:13.1f} ms{o * 1000:9.1f} ms{o / b:9.3f}{(o - b) * 1000:+10.1f} ms")
    b, o = median(bare, 0), median(ours, 0)
    verdict = "met" if (o - b) <= 0.020 or o / b <= 1.05 else "NOT met"
    print(f"target (first chunk overhead <= 5 % or <= 20 ms): {verdict}")


if __name__ == "__main__":
    main()
