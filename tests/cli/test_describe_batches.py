"""``describe --batch-size``: a folder in batches gives the captions one at a time gives, in the same order."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from tests.cli.test_describe_cli import run_cli

pytestmark = pytest.mark.model


def _jsonl(folder, model_dir, batch_size: str) -> tuple[int, list[dict]]:
    result = run_cli("describe", str(folder), "--jsonl", "--model", str(model_dir), "--device", "cpu",
                     "--max-new-tokens", "8", "--batch-size", batch_size)
    return result.returncode, [json.loads(line) for line in result.stdout.decode().splitlines()]


def test_a_folder_in_batches_matches_one_at_a_time(tiny_model_dir, tmp_path):
    folder = tmp_path / "shots"
    folder.mkdir()
    for index, (width, height) in enumerate([(320, 200), (200, 320), (256, 256), (400, 240), (240, 180)]):
        pixels = np.random.default_rng(index).integers(0, 256, size=(height, width, 3), dtype=np.uint8)
        Image.fromarray(pixels, "RGB").save(folder / f"{index}.png")
    Image.new("RGB", (300, 200), "white").save(folder / "2b-blank.png")
    (folder / "3b-broken.png").write_bytes(b"not a png at all")
    code_batched, batched = _jsonl(folder, tiny_model_dir, "3")
    code_single, single = _jsonl(folder, tiny_model_dir, "1")
    assert code_batched == code_single == 1  # the broken file fails, the rest are described
    assert [record["path"] for record in batched] == [record["path"] for record in single]
    assert [record["caption"] for record in batched] == [record["caption"] for record in single]
    by_name = {record["path"].rsplit("/", 1)[-1]: record for record in batched}
    assert by_name["3b-broken.png"]["error"].startswith("3b-broken.png is not an image")
    assert by_name["2b-blank.png"]["stop_reason"] == "blank"
    assert sum(record["error"] is None for record in batched) == 6


def test_a_bad_batch_size_is_refused_in_one_line(tmp_path):
    result = run_cli("describe", str(tmp_path), "--batch-size", "0")
    assert result.returncode == 2
    assert "--batch-size: must be 1 or more" in result.stderr.decode()
