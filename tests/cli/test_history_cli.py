"""``inkscope-desktop history path|export|clear`` as a real subprocess, on a private data folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from inkscope_desktop.history import HistoryStore


def run_cli(*args: str, data: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "INKSCOPE_DATA_DIR": str(data), "INKSCOPE_CONFIG_DIR": str(data / "config")}
    return subprocess.run([sys.executable, "-m", "inkscope_desktop", *args], capture_output=True, text=True,
                          timeout=60, env=env)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def filled(data: Path) -> Path:
    with HistoryStore(data / "history.sqlite3") as store:
        cat = store.add_caption(1_000, "File: /pics/cat.png", "Describe it.", "A grey cat.", "fake", {"total_s": 1.0})
        store.add_follow_up(cat, "Is it asleep?", "Yes.")
        store.add_caption(2_000, "Screen", "Describe it.", "A desktop with a terminal.", "fake", {})
    return data


def test_path_prints_the_database_and_creates_nothing(data):
    result = run_cli("history", "path", data=data)
    assert result.returncode == 0 and result.stdout == f"{data / 'history.sqlite3'}\n"
    assert not data.exists()


def test_export_without_a_history_is_empty_and_creates_nothing(data):
    result = run_cli("history", "export", "--format", "json", data=data)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["entries"] == []
    assert not data.exists()


def test_export_markdown_newest_first(filled):
    result = run_cli("history", "export", data=filled)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("# Inkscope Desktop history\n")
    assert text.index("A desktop with a terminal.") < text.index("A grey cat.")
    assert "**Follow-up:** Is it asleep?\n\nYes." in text


def test_export_json_with_a_search_and_a_limit(filled):
    result = run_cli("history", "export", "-f", "json", "--search", "ASLEEP", data=filled)
    assert [e["caption"] for e in json.loads(result.stdout)["entries"]] == ["A grey cat."]
    result = run_cli("history", "export", "-f", "json", "-n", "1", data=filled)
    assert [e["caption"] for e in json.loads(result.stdout)["entries"]] == ["A desktop with a terminal."]


def test_export_to_a_file(filled, tmp_path):
    target = tmp_path / "out" / "history.md"
    result = run_cli("history", "export", "-o", str(target), data=filled)
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr == f"Exported 2 entries to {target}\n"
    assert "A grey cat." in target.read_text()


def test_clear_asks_for_yes_then_deletes_everything(filled):
    result = run_cli("history", "clear", data=filled)
    assert result.returncode == 1 and "add --yes" in result.stderr
    with HistoryStore(filled / "history.sqlite3") as store:
        assert store.count() == 2
    result = run_cli("history", "clear", "--yes", data=filled)
    assert result.returncode == 0 and result.stdout == f"Deleted 2 entries from {filled / 'history.sqlite3'}\n"
    with HistoryStore(filled / "history.sqlite3") as store:
        assert store.count() == 0
