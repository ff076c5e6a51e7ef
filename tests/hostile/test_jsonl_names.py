"""``describe --jsonl`` over a file whose name is not valid UTF-8: every line is valid UTF-8 JSON, ``path`` reads as
text (U+FFFD for the odd bytes) and ``path_bytes`` gives the exact name back; plain text output prints too."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="names there are always Unicode")
def test_a_name_that_is_not_utf8_can_be_read_and_recovered(tmp_path):
    folder = tmp_path / "shots"
    folder.mkdir()
    odd = os.path.join(os.fsencode(folder), b"caf\xe9.png")  # Latin-1, as an old camera or zip writes it
    Image.fromarray(np.random.default_rng(3).integers(0, 256, (30, 40, 3), dtype=np.uint8), "RGB").save(
        os.fsdecode(odd), format="PNG")
    with open(os.path.join(os.fsencode(folder), b"broken\xff.png"), "wb") as broken:
        broken.write(b"not an image")
    done = subprocess.run([sys.executable, "-m", "inkscope_desktop", "describe", str(folder), "--jsonl",
                           "--engine", "fake"], capture_output=True, timeout=120)
    lines = done.stdout.decode("utf-8").splitlines()  # strict: fails on any invalid byte
    records = [json.loads(line) for line in lines]
    assert len(records) == 2, done.stderr
    by_name = {record["path"].rsplit("/", 1)[-1]: record for record in records}
    good, bad = by_name["caf\ufffd.png"], by_name["broken\ufffd.png"]
    assert base64.b64decode(good["path_bytes"]) == odd and os.path.exists(base64.b64decode(good["path_bytes"]))
    assert good["error"] is None and bad["error"] and bad["caption"] is None
    done.stderr.decode("utf-8")
    text = subprocess.run([sys.executable, "-m", "inkscope_desktop", "describe", str(folder), "--engine", "fake"],
                          capture_output=True, timeout=120)
    assert "caf\ufffd.png:" in text.stdout.decode("utf-8") and "Traceback" not in text.stderr.decode("utf-8")


def test_an_ordinary_name_has_no_path_bytes():
    from inkscope_desktop.commands.describe_output import path_fields

    assert path_fields("/photos/über.png") == {"path": "/photos/über.png"}
