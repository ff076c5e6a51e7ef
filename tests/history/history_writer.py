"""Run as a script by the kill test: adds history entries in a loop and prints each one's id after its commit.

Usage: python history_writer.py DATABASE ROUND. Every third entry gets a follow-up and every entry a 256 KiB
thumbnail, so each transaction writes many pages and a kill often lands in the middle of one.
"""

from __future__ import annotations

import os
import sys

from inkscope_desktop.history.store import HistoryStore


def main() -> None:
    path, round_name = sys.argv[1], sys.argv[2]
    store = HistoryStore(path, keep_thumbnails=True)
    thumbnail = os.urandom(256 * 1024)
    number = 0
    print("ready", flush=True)
    while True:
        source = f"round {round_name} entry {number}"
        entry_id = store.add_caption(None, source, "Describe it.", "caption text " * 200, "fake",
                                     {"total_s": 1.0}, thumbnail)
        if number % 3 == 0:
            store.add_follow_up(entry_id, "question", "answer " * 100)
        print(f"{entry_id} {source}", flush=True)
        number += 1


if __name__ == "__main__":
    main()
