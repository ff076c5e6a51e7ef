"""Speed of the engine next to the model card's snippet, in one process on one device.

On a CUDA GPU: the full-size Qwen2-VL-2B architecture with random weights in bfloat16 (speed does not depend on
weight values; the hub is unreachable from the test machines). Elsewhere: the tiny random model on the CPU,
printing the same table, so CI can smoke-test the script. Both sides generate a forced number of new tokens
(``min_new_tokens`` = ``max_new_tokens``) and share the loaded weights; the snippet is run as the model card
writes it (``process_vision_info``, the processor, ``generate`` with default settings).

Prints, for each side: time to first token for a 1280x720 and a 1920x1080 screenshot at each detail level,
a follow-up's time to first token, decode tokens/s at batch 1, images/s for a folder, GPU memory after load and
at the peak of a 1920x1080 caption; the ratios ours/snippet and ours/roofline, where the roofline is the GPU's
memory bandwidth over the bytes of decoder weights each token reads (printed with its inputs).

    python benchmarks/gpu_speed.py [--runs 3] [--tokens 64] [--details low,normal,high] [--folder 64]
                                   [--folder-tokens 32] [--batch-size auto] [--fast-path auto] [--device auto]

Targets on an H100: first token <= 150 ms for 1280x720 at the normal detail; decode >= 4x the snippet and
>= 40 % of the roofline; folder >= 5x the snippet looped. Rows print as they are measured.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SIZES = ((1280, 720), (1920, 1080))
PROMPT = "Generate a detailed caption for this image."
#: Nominal memory bandwidth in GB/s by device name, printed next to the measured copy bandwidth.
NOMINAL_GBPS = {"H200": 4800, "H100 SXM": 3350, "H100 80GB HBM3": 3350, "H100 PCIe": 2000, "H100": 3350,
                "A100-SXM4-80GB": 2039, "A100": 1555, "L40S": 864, "RTX 4090": 1008, "RTX 3060": 360}


def snippet(model, processor, image, detail, tokens: int) -> tuple[float, float]:
    """The model card's snippet as written (pixel limits, forced tokens): (s to first token, total s)."""
    from qwen_vl_utils import process_vision_info
    from transformers.generation.streamers import BaseStreamer

    class FirstToken(BaseStreamer):
        def __init__(self) -> None:
            self.calls, self.first = 0, None

        def put(self, value) -> None:
            self.calls += 1
            if self.calls == 2:  # the first call carries the prompt
                self.first = time.perf_counter()

        def end(self) -> None:
            pass

    started = time.perf_counter()
    messages = [{"role": "user", "content": [
        {"type": "image", "image": image, "min_pixels": detail.min_pixels, "max_pixels": detail.max_pixels},
        {"type": "text", "text": PROMPT}]}]
    text = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    image_inputs, video_inputs = process_vision_info(messages)
    inputs = processor(text=[text], images=image_inputs, videos=video_inputs, padding=True, return_tensors="pt")
    inputs = inputs.to(model.device)
    streamer = FirstToken()
    model.generate(**inputs, max_new_tokens=tokens, min_new_tokens=tokens, streamer=streamer)
    _sync(model.device.type)
    ended = time.perf_counter()
    return (streamer.first or ended) - started, ended - started


def ours(engine, request) -> tuple[float, float, float]:
    """The engine: (s to first token, total s, decode tokens/s) from its own timings."""
    result = engine.describe(request)
    timings = result.timings
    return timings.preprocess_s + timings.first_token_s, timings.total_s, timings.decode_tokens_per_s


def noise(width: int, height: int, seed: int):
    import numpy as np
    from PIL import Image

    return Image.fromarray(np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8))


def _sync(device_type: str) -> None:
    if device_type == "cuda":
        import torch

        torch.cuda.synchronize()


def copy_bandwidth(device: str) -> float:
    """Bytes per second a large on-device copy moves (read + write), best of a few."""
    import torch

    size = (1 << 30) if device.startswith("cuda") else (1 << 27)
    source = torch.empty(size, dtype=torch.uint8, device=device)
    target = torch.empty_like(source)
    best = float("inf")
    for _ in range(5):
        _sync(device.split(":")[0])
        started = time.perf_counter()
        target.copy_(source)
        _sync(device.split(":")[0])
        best = min(best, time.perf_counter() - started)
    del source, target
    return 2 * size / best


def decoder_bytes_per_token(model) -> int:
    """Weight bytes one decode step reads: the language model's layers and norm, and the LM head."""
    language = getattr(model.model, "language_model", None) or model.model
    embed = language.embed_tokens.weight
    layers = sum(p.numel() * p.element_size() for name, p in language.named_parameters()
                 if not name.startswith("embed_tokens"))
    head = model.lm_head.weight
    return layers + head.numel() * head.element_size() + embed.shape[1] * embed.element_size()  # + one embedding row


def same_tokens_line(engine, request) -> str:
    """Whether the fast path's greedy answer equals plain generate's for the same request, on this device."""
    fast_answer = engine.describe(request)
    fast, engine._fast = engine._fast, None  # the same weights, through plain generate
    try:
        plain_answer = engine.describe(request)
    finally:
        engine._fast = fast
    same = len(os.path.commonprefix([fast_answer.text, plain_answer.text]))
    verdict = "the same" if fast_answer.text == plain_answer.text else f"different after {same} characters"
    return f"fast path vs plain generate on 1280x720 (greedy, {fast_answer.new_tokens} tokens): {verdict}"


def median(values) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--details", default="low,normal,high")
    parser.add_argument("--folder", type=int, default=64, help="images in the folder row (0 skips it)")
    parser.add_argument("--folder-tokens", type=int, default=32)
    parser.add_argument("--batch-size", default="auto")
    parser.add_argument("--fast-path", default="auto", choices=("auto", "off", "force"))
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()

    import torch
    from transformers import AutoProcessor

    from inkscope_desktop.core.conversation import Conversation
    from inkscope_desktop.core.types import CaptionRequest, Detail
    from inkscope_desktop.engines.local.batch import choose_batch_size, describe_in_batches
    from inkscope_desktop.engines.local.qwen2vl import Qwen2VLEngine
    from inkscope_desktop.testing.random_qwen2vl import save_random_qwen2vl

    device = args.device if args.device != "auto" else ("cuda" if torch.cuda.is_available() else "cpu")
    gpu = device.startswith("cuda")
    details = [Detail(name) for name in args.details.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        save_random_qwen2vl(folder, full_size=gpu, dtype="bfloat16" if gpu else "float32")
        started = time.perf_counter()
        engine = Qwen2VLEngine(folder, device=device, fast_path=args.fast_path,
                               generate_kwargs={"min_new_tokens": args.tokens})
        engine.load()
        load_s = time.perf_counter() - started
        model = engine._model
        processor = AutoProcessor.from_pretrained(folder)
        name = torch.cuda.get_device_name(device) if gpu else "CPU"
        print(f"{'full-size' if gpu else 'tiny'} random Qwen2-VL-2B on {name}, torch {torch.__version__}, "
              f"transformers {__import__('transformers').__version__}; {args.tokens} new tokens, "
              f"median of {args.runs}", flush=True)
        print(f"load {load_s:.1f} s; {engine.fast_path_note}; {engine.memory_note()}", flush=True)
        if engine.uses_fast_path:
            print(same_tokens_line(engine, CaptionRequest(image=noise(1280, 720, 99), prompt=PROMPT,
                                                          max_new_tokens=args.tokens)), flush=True)

        print(f"\n{'image':>10} {'detail':>7} {'img tok':>8} {'snippet 1st ms':>15} {'ours 1st ms':>12} "
              f"{'ours/snip':>9}", flush=True)
        seed = 0
        decode = {}
        for width, height in SIZES:
            for detail in details:
                if gpu:
                    torch.cuda.reset_peak_memory_stats()
                bare, mine = [], []
                for run in range(args.runs + 1):  # the first run of each shape warms both sides
                    seed += 1
                    image = noise(width, height, seed)
                    b = snippet(model, processor, image.copy(), detail, args.tokens)
                    request = CaptionRequest(image=image.copy(), prompt=PROMPT, detail=detail,
                                             max_new_tokens=args.tokens)
                    o = ours(engine, request)
                    if run:
                        bare.append(b)
                        mine.append(o)
                tokens = engine.describe(request).image_tokens
                first_bare, first_mine = median(b[0] for b in bare), median(o[0] for o in mine)
                print(f"{width}x{height:<5} {detail.value:>7} {tokens:>8} {first_bare * 1000:>15.1f} "
                      f"{first_mine * 1000:>12.1f} {first_mine / first_bare:>9.2f}", flush=True)
                if detail is Detail.NORMAL or len(details) == 1:
                    decode[(width, height)] = (
                        median((args.tokens - 1) / (b[1] - b[0]) for b in bare),
                        median(o[2] for o in mine),
                        torch.cuda.max_memory_allocated() if gpu else 0,
                    )

        # A follow-up: same image, the first answer in context (ours reuses the image's work).
        detail = Detail.NORMAL if Detail.NORMAL in details else details[0]
        firsts, follows = [], []
        for run in range(args.runs + 1):
            conversation = Conversation(noise(1280, 720, 1000 + run), detail=detail, max_new_tokens=args.tokens)
            request = conversation.request(PROMPT)
            first = ours(engine, request)
            conversation.record(request, "A window with a toolbar, a list of files and a preview pane.")
            follow = ours(engine, conversation.request("What is in the preview pane?"))
            if run:
                firsts.append(first[0])
                follows.append(follow[0])
        print(f"\nfollow-up 1280x720 {detail.value}: ours first caption {median(firsts) * 1000:.1f} ms, "
              f"follow-up {median(follows) * 1000:.1f} ms (ratio {median(follows) / median(firsts):.2f})",
              flush=True)

        bandwidth = copy_bandwidth(device)
        per_token = decoder_bytes_per_token(model)
        nominal = next((gbps for key, gbps in NOMINAL_GBPS.items() if key in name), None)
        roofline = bandwidth / per_token
        print(f"\nroofline: {per_token / 1e6:.1f} MB of decoder weights per token; measured copy bandwidth "
              f"{bandwidth / 1e9:.0f} GB/s" + (f" (nominal {nominal} GB/s)" if nominal else "")
              + f" -> {roofline:.0f} tokens/s", flush=True)
        print(f"{'image':>10} {'snippet tok/s':>14} {'ours tok/s':>11} {'ours/snip':>9} {'ours/roofline':>14} "
              f"{'peak GiB':>9}", flush=True)
        for (width, height), (bare_rate, my_rate, peak) in decode.items():
            print(f"{width}x{height:<5} {bare_rate:>14.1f} {my_rate:>11.1f} {my_rate / bare_rate:>9.2f} "
                  f"{my_rate / roofline:>13.1%} {peak / 2**30:>9.2f}", flush=True)

        if args.folder:
            engine._generate_kwargs = {"min_new_tokens": args.folder_tokens}
            images = [noise(1280, 720, 5000 + index) for index in range(args.folder)]
            batch = choose_batch_size(engine, detail, args.folder_tokens) if args.batch_size == "auto" \
                else int(args.batch_size)
            started = time.perf_counter()
            for image in images:
                snippet(model, processor, image, detail, args.folder_tokens)
            bare_s = time.perf_counter() - started
            requests = [CaptionRequest(image=image, prompt=PROMPT, detail=detail,
                                       max_new_tokens=args.folder_tokens) for image in images]
            started = time.perf_counter()
            results = list(describe_in_batches(engine, requests, batch))
            mine_s = time.perf_counter() - started
            assert all(getattr(result, "new_tokens", 0) == args.folder_tokens for result in results), results
            print(f"\nfolder of {args.folder} 1280x720 at {detail.value}, {args.folder_tokens} tokens each: snippet "
                  f"looped {args.folder / bare_s:.2f} images/s; ours at batch {batch} {args.folder / mine_s:.2f} "
                  f"images/s (ratio {bare_s / mine_s:.2f})", flush=True)
        if gpu:
            print(f"\nGPU memory: {engine.memory_note()}; peak of the 1920x1080 rows above "
                  f"{decode.get((1920, 1080), (0, 0, 0))[2] / 2**30:.2f} GiB", flush=True)


if __name__ == "__main__":
    main()
