"""The command line end to end, in a subprocess, as a user or a script runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from inkscope_desktop.core.conversation import Conversation


def run_cli(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "inkscope_desktop", *args],
        input=stdin,
        capture_output=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def imported_modules(*args: str) -> str:
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "inkscope_desktop", *args],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stderr


@pytest.mark.parametrize("args", [("--help",), ("describe", "--help"), ("model", "info", "--help")])
def test_help_answers_without_importing_the_model_libraries(args):
    imports = imported_modules(*args)
    for heavy in ("torch", "transformers", "PIL", "numpy", "huggingface_hub", "PySide6"):
        assert f"| {heavy}\n" not in imports and f"| {heavy}." not in imports, heavy


def test_help_lists_the_commands_and_options():
    out = run_cli("describe", "--help").stdout.decode()
    for option in ("--preset", "--question", "--language", "--detail", "--model", "--device",
                   "--max-new-tokens", "--sample", "--jsonl"):
        assert option in out


@pytest.mark.model
def test_describe_streams_the_same_caption_the_engine_gives(tiny_model_dir, tiny_engine, noise_image, tmp_path):
    path = tmp_path / "noise.png"
    noise_image.save(path)
    result = run_cli("describe", str(path), "--model", str(tiny_model_dir), "--device", "cpu",
                     "--max-new-tokens", "16")
    assert result.returncode == 0, result.stderr
    expected = tiny_engine.describe(Conversation(noise_image, max_new_tokens=16).request(
        "Generate a detailed caption for this image.")).text
    assert result.stdout.decode() == expected + "\n"


@pytest.mark.model
def test_jsonl_over_a_folder_reports_each_file_and_continues_past_bad_ones(tiny_model_dir, noise_image, tmp_path):
    folder = tmp_path / "shots"
    (folder / "sub").mkdir(parents=True)
    noise_image.save(folder / "a.png")
    noise_image.convert("L").save(folder / "sub" / "b.jpg")
    Image.new("RGB", (200, 100), (0, 0, 0)).save(folder / "c.webp")
    (folder / "d.png").write_text("this is not an image")
    (folder / "notes.txt").write_text("ignored: not an image type")
    result = run_cli("describe", str(folder), "--jsonl", "--model", str(tiny_model_dir), "--device", "cpu",
                     "--max-new-tokens", "8", "-q", "What is shown?")
    assert result.returncode == 1  # one input failed
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [Path(r["path"]).name for r in records] == ["a.png", "c.webp", "d.png", "b.jpg"]
    good, blank, bad, grey = records
    assert good["error"] is None and good["prompt"] == "What is shown?" and good["new_tokens"] > 0
    assert set(good["timings"]) >= {"load_s", "preprocess_s", "first_token_s", "decode_tokens_per_s"}
    assert blank["caption"] == "The image is blank: solid black." and blank["stop_reason"] == "blank"
    assert bad["caption"] is None and "d.png" in bad["error"]
    assert grey["error"] is None
    assert "d.png" in result.stderr.decode()


@pytest.mark.model
def test_reads_one_image_from_standard_input(tiny_model_dir, noise_image, tmp_path):
    import io

    buffer = io.BytesIO()
    noise_image.save(buffer, "JPEG")
    result = run_cli("describe", "-", "--jsonl", "--model", str(tiny_model_dir), "--device", "cpu",
                     "--max-new-tokens", "4", stdin=buffer.getvalue())
    assert result.returncode == 0, result.stderr
    (record,) = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert record["path"] == "-" and record["error"] is None


def test_fake_engine_streams_its_script_without_a_model(noise_image, tmp_path):
    path = tmp_path / "x.png"
    noise_image.save(path)
    result = run_cli("describe", str(path), "--engine", "fake", "-p", "brief")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().startswith("This is the fake engine's answer number 1. The image is 400 by 300")


def test_missing_model_offline_names_the_switch_that_is_on_and_how_to_go_online(noise_image, tmp_path):
    path = tmp_path / "x.png"
    noise_image.save(path)
    result = run_cli("describe", str(path), "--offline", env={"HF_HOME": str(tmp_path / "hf")})
    assert result.returncode == 2
    (line,) = result.stderr.decode().strip().splitlines()
    assert "offline mode is on (--offline)" in line and "leave out --offline while this computer is online" in line
    assert "Traceback" not in line and "`" not in line


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: None, "not found"),
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: p.write_text("hello"), "not an image"),
    ],
)
def test_bad_single_input_is_one_line_and_exit_1(tmp_path, make, expected):
    path = tmp_path / "input.png"
    make(path)
    result = run_cli("describe", str(path), "--engine", "fake")
    assert result.returncode == 1
    (line,) = result.stderr.decode().strip().splitlines()
    assert expected in line.lower() and "input.png" in line


def test_empty_folder_is_a_clear_error(tmp_path):
    result = run_cli("describe", str(tmp_path), "--engine", "fake")
    assert result.returncode == 2
    assert "No images were found" in result.stderr.decode()


@pytest.mark.model
def test_model_info_on_a_folder(tiny_model_dir):
    result = run_cli("model", "info", str(tiny_model_dir))
    assert result.returncode == 0, result.stderr
    assert str(tiny_model_dir) in result.stdout.decode()
    import torch

    device_line = result.stdout.decode().splitlines()[-1]  # whether the GPU is used
    assert device_line.startswith("GPU: " if torch.cuda.is_available() else "No GPU is used: "), device_line


def test_console_script_is_installed():
    import shutil

    script = shutil.which("inkscope-desktop", path=str(Path(sys.executable).parent))
    assert script is not None
    assert subprocess.run([script, "--version"], capture_output=True, timeout=60).returncode == 0
