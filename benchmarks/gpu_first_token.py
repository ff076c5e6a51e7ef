"""Time to first chunk and decode speed of the engine on a GPU, next to the model card's snippet as written.

Runs the full-size Qwen2-VL-2B architecture with random weights (speed does not depend on weight values; the
hub is unreachable from the test machines) on 1280x720 and 1920x1080 screenshots at each detail level, with a
forced number of new tokens. The baseline is the model card's snippet (`generate` with its defaults, the same
pixel limits, a TextIteratorStreamer to see its first chunk) in the same process, interleaved with ours.

    python benchmarks/gpu_first_token.py [--runs 5] [--tokens 64] [--details low,normal,high] [--tiny]

``--tiny`` is the CPU smoke test. Rows print as they are measured. On an H200 the whole default run took
over 400 s (building and loading the 2B checkpoint included): use ``--details`` and ``--runs`` to fit a short
device slot. Off the GPU, the device needs ``qwen_vl_utils`` carried in (it is pure Python).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_overhead import engine_generate  # noqa: E402

# Random weights often generate tokens that decode to no text, so both sides time the first new token
# (not the first text chunk): the snippet through a streamer that notes when generate hands it a token,
# the engine through its own result timings (preprocessing + first token, the same span).


def bare_generate(model, processor, messages, kwargs) -> tuple[float, float]:
    """The model card's snippet, timed to the first new token: (seconds to it, total seconds)."""
    import threading

    from qwen_vl_utils import process_vision_info
    from transformers.generation.streamers import BaseStreamer

    class FirstToken(BaseStreamer):
        def __init__(self) -> None:
            self.calls, self.first = 0, None

        def put(self, value) -> None:
            self.calls += 1
            if self.calls == 2 and self.first is None:  # the first call carries the prompt
                self.first = time.perf_counter()

        def end(self) -> None:
            pass

    started = time.perf_counter()
    text = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    image_inputs, video_inputs = process_vision_info(messages)
    inputs = processor(text=[text], images=image_inputs, videos=video_inputs, padding=True, return_tensors="pt")
    inputs = inputs.to(model.device)
    streamer = FirstToken()
    thread = threading.Thread(target=model.generate, kwargs=dict(inputs, streamer=streamer, **kwargs))
    thread.start()
    thread.join()
    ended = time.perf_counter()
    return (streamer.first or ended) - started, ended - started

SIZES = ((1280, 720), (1920, 1080))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--tiny", action="store_true", help="the tiny model on the CPU (a smoke test)")
    parser.add_argument("--details", default="low,normal,high", help="detail levels to run, comma-separated")
    args = parser.parse_args()

    import numpy as np
    import torch
    from PIL import Image

    from inkscope_desktop.core.conversation import Conversation
    from inkscope_desktop.core.prompts import build_messages
    from inkscope_desktop.core.types import Detail
    from inkscope_desktop.engines.qwen2vl import Qwen2VLEngine
    from inkscope_desktop.testing.random_qwen2vl import save_random_qwen2vl

    device = "cpu" if args.tiny else "cuda"
    with tempfile.TemporaryDirectory() as folder:
        save_random_qwen2vl(folder, full_size=not args.tiny, dtype="float32" if args.tiny else "bfloat16")
        started = time.perf_counter()
        engine = Qwen2VLEngine(folder, device=device, generate_kwargs={"min_new_tokens": args.tokens})
        engine.load()
        load_s = time.perf_counter() - started
        loaded_gib = torch.cuda.memory_allocated() / 2**30 if device == "cuda" else 0.0
        model, processor = engine._model, engine._processor
        name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
        print(f"{'tiny' if args.tiny else 'full-size'} random Qwen2-VL-2B on {name}, torch {torch.__version__}, "
              f"{args.tokens} new tokens, median of {args.runs}; load {load_s:.1f} s, {loaded_gib:.2f} GiB "
              f"after load", flush=True)
        print(f"{'image':>10} {'detail':>7} {'img tok':>8} {'snippet 1st ms':>15} {'engine 1st ms':>14} "
              f"{'ratio':>6} {'decode tok/s':>13} {'peak GiB':>9}", flush=True)
        for width, height in SIZES:
            image = Image.fromarray(np.random.default_rng(0).integers(0, 256, (height, width, 3), dtype=np.uint8))
            for detail in (Detail(name) for name in args.details.split(",")):
                request = Conversation(image, detail=detail, max_new_tokens=args.tokens).request(
                    "Generate a detailed caption for this image.")
                messages = build_messages(request)
                kwargs = dict(engine.generation_kwargs(request))
                image_tokens = int(engine.prepare_inputs(request)["image_grid_thw"].prod()) // 4
                if device == "cuda":
                    torch.cuda.reset_peak_memory_stats()
                for _ in range(2):  # warm up both paths at this shape
                    bare_generate(model, processor, messages, kwargs)
                    engine_generate(engine, request)
                bare, ours, rates = [], [], []
                for _ in range(args.runs):
                    bare.append(bare_generate(model, processor, messages, kwargs))
                    timings = engine.describe(request).timings
                    ours.append((timings.preprocess_s + timings.first_token_s, timings.total_s))
                    rates.append(timings.decode_tokens_per_s)
                peak = torch.cuda.max_memory_allocated() / 2**30 if device == "cuda" else 0.0
                print(f"{width}x{height:<5} {detail.value:>7} {image_tokens:>8} "
                      f"{statistics.median(b[0] for b in bare) * 1000:>15.1f} "
                      f"{statistics.median(o[0] for o in ours) * 1000:>14.1f} "
                      f"{statistics.median(o[0] for o in ours) / statistics.median(b[0] for b in bare):>6.2f} "
                      f"{statistics.median(rates):>13.1f} {peak:>9.2f}", flush=True)


if __name__ == "__main__":
    main()
