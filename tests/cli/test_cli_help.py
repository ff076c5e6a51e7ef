"""The command line's own words: a command given without its action lists the actions, every argument has help,
and a folder run says how many files it skipped (issue 14, item 11)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "inkscope_desktop", *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ})


@pytest.mark.parametrize(("command", "actions"), [
    ("config", ["path", "show", "reset", "set", "set-api-key", "forget-api-key"]),
    ("history", ["path", "export", "clear"]),
    ("model", ["download", "info", "check-remote"]),
])
def test_a_command_without_an_action_lists_its_actions_and_is_a_usage_error(command, actions):
    result = run_cli(command)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"inkscope-desktop {command}: choose one of these actions:"
    for action in actions:
        # "name: what it does": the colon is a pause when a screen reader reads the line out.
        assert any(line.strip().startswith(f"{action}: ") and len(line.split()) > 2 for line in lines[1:]), action
    assert lines[-1] == f"For example: inkscope-desktop {command} {actions[0]}"
    assert "required" not in result.stderr and "usage:" not in result.stderr


@pytest.mark.parametrize("args", [
    ("model", "info"), ("model", "download"), ("model", "check-remote"), ("config", "path"), ("config", "show"),
    ("config", "reset"), ("config", "set"), ("config", "set-api-key"), ("config", "forget-api-key"), ("history", "path"),
    ("history", "export"), ("history", "clear"), ("trigger",), ("describe",),
])
def test_every_argument_has_help_text(args):
    from inkscope_desktop.cli import build_parser

    parser = build_parser()
    for name in args:
        parser = next(action for action in parser._actions if action.dest in ("command", "model_command",
                      "config_command", "history_command")).choices[name]
    for action in parser._actions:
        said = re.sub(r"\([^)]*\)", "", (action.help or "") % {**vars(action), "prog": parser.prog}).strip()
        assert said, (args, action.dest, action.help)  # more than its default: what it is for


def test_a_folder_run_says_how_many_files_it_skipped(tmp_path: Path):
    folder = tmp_path / "shots"
    folder.mkdir()
    pixels = np.random.default_rng(1).integers(0, 256, (40, 60, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(folder / "one.png")
    (folder / "notes.txt").write_text("words")
    (folder / "data.csv").write_text("1,2")
    (folder / ".hidden.txt").write_text("not counted")
    result = run_cli("describe", str(folder), "--engine", "fake", "--jsonl", "--no-progress")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["path"] for line in result.stdout.splitlines()] == [str(folder / "one.png")]
    assert result.stderr.strip().splitlines()[-1] == "2 files skipped: not images or videos"
    (folder / "data.csv").unlink()
    assert run_cli("describe", str(folder), "--engine", "fake").stderr.strip() == \
        "1 file skipped: not images or videos"
    (folder / "notes.txt").unlink()
    assert "skipped" not in run_cli("describe", str(folder), "--engine", "fake").stderr
