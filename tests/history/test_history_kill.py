"""A writer killed with SIGKILL mid-write, again and again: the file stays intact and keeps every commit."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inkscope_desktop.history import HistoryStore

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL")

WRITER = Path(__file__).with_name("history_writer.py")
ROUNDS = 12


def _run_and_kill(database: Path, round_number: int, entries_before_kill: int, delay_s: float) -> dict[int, str]:
    """Start the writer, wait for ``entries_before_kill`` commit reports and ``delay_s`` more, SIGKILL it, and
    return every commit it reported before it died, as {id: source}."""
    process = subprocess.Popen([sys.executable, str(WRITER), str(database), str(round_number)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               cwd=Path(__file__).resolve().parents[2])
    assert process.stdout is not None and process.stderr is not None
    lines: list[str] = []
    try:
        assert process.stdout.readline() == "ready\n", process.stderr.read()
        while len(lines) < entries_before_kill:
            line = process.stdout.readline()
            assert line, f"the writer stopped: {process.stderr.read()}"
            lines.append(line)
        time.sleep(delay_s)  # a random point in a later write: before, inside or during the commit
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        lines += process.stdout.readlines()  # reports printed before it died
    finally:
        process.kill()
        process.wait(timeout=30)
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    return {int(line.split(" ", 1)[0]): line.rstrip("\n").split(" ", 1)[1] for line in lines if line.endswith("\n")}


def test_killing_the_writer_mid_write_never_corrupts_or_loses_a_committed_entry(tmp_path):
    database = tmp_path / "history.sqlite3"
    rng = random.Random(20260509)
    reported: dict[int, str] = {}
    per_round: list[tuple[int, int]] = []
    for round_number in range(ROUNDS):
        committed = _run_and_kill(database, round_number, rng.randint(1, 10), rng.uniform(0.0, 0.01))
        reported.update(committed)
        per_round.append((round_number, len(committed)))

    raw = sqlite3.connect(database)
    assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    raw.close()

    with HistoryStore(database) as store:
        entries = {entry.id: entry for entry in store.search(limit=None)}
        assert store.take_notice() is None  # the file was never found damaged
        for entry_id, source in reported.items():
            assert entry_id in entries, f"committed entry {entry_id} ({source}) is missing"
            assert entries[entry_id].source == source
            assert entries[entry_id].caption == "caption text " * 200
            assert store.thumbnail(entry_id) is not None
        # Per kill, at most the entry in flight was committed without being reported.
        for round_number, count in per_round:
            in_round = [e for e in entries.values() if e.source.startswith(f"round {round_number} ")]
            assert count <= len(in_round) <= count + 1
        # The store still writes after all that.
        assert store.get(store.add_caption(None, "after", "p", "c")).source == "after"
