"""Pictures far wider than tall, or taller than wide (a banner, a rule, a strip) are described, not fatal:
qwen-vl-utils refuses a long side 200 or more times the short one, so Inkscope pads them on neutral grey."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inkscope_desktop.core.images import MAX_ASPECT, PAD_GREY, fit_aspect
from inkscope_desktop.core.types import CaptionRequest


def noise(width: int, height: int) -> Image.Image:
    return Image.fromarray(np.random.default_rng(width * 7 + height).integers(0, 256, (height, width, 3),
                                                                              dtype=np.uint8), "RGB")


@pytest.mark.parametrize(("width", "height"), [(1, 5000), (5000, 5), (20000, 1), (1, 1), (300, 200)])
def test_every_pixel_is_kept_and_the_shape_fits(width, height):
    image = noise(width, height)
    fitted = fit_aspect(image)
    long, short = max(fitted.size), min(fitted.size)
    assert long / short <= MAX_ASPECT
    if max(width, height) / min(width, height) <= MAX_ASPECT:
        assert fitted is image  # ordinary pictures are left as they are
        return
    left = (fitted.width - width) // 2
    top = (fitted.height - height) // 2
    assert np.array_equal(np.asarray(fitted)[top:top + height, left:left + width], np.asarray(image))
    corner = fitted.getpixel((0, 0))
    assert corner == PAD_GREY


def test_a_request_carries_the_padded_picture():
    request = CaptionRequest(noise(1, 5000), "What is this?")
    assert max(request.image.size) / min(request.image.size) <= MAX_ASPECT


@pytest.mark.model
def test_describe_goes_on_past_a_strip_and_a_banner(tiny_model_dir, tmp_path):
    folder = tmp_path / "shots"
    folder.mkdir()
    noise(1, 5000).save(folder / "a-strip.png")
    noise(5000, 5).save(folder / "b-banner.png")
    noise(64, 48).save(folder / "c-photo.png")
    done = subprocess.run([sys.executable, "-m", "inkscope_desktop", "describe", str(folder), "--jsonl",
                           "--model", str(tiny_model_dir), "--device", "cpu", "--max-new-tokens", "4"],
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    records = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [Path(r["path"]).name for r in records] == ["a-strip.png", "b-banner.png", "c-photo.png"]
    assert all(record["error"] is None for record in records)
    assert "Traceback" not in done.stderr.decode()
