"""Reading the settings file defensively: only a regular file of a sane size is opened, any parse failure is a
broken file, stale temporary files are cleared, and settings this version does not know are carried along.

Settings files are a few KB; ``MAX_SETTINGS_BYTES`` (1 MB) is far more than any real one. A FIFO, a device or a
folder in the file's place is never opened (opening a FIFO would block the start forever), and the file is
opened non-blocking and checked again through its descriptor, so a swap between the check and the open can't
make it block either.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import stat
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

MAX_SETTINGS_BYTES = 1_000_000
#: A temporary file of an atomic write older than this is a leftover of a killed save.
STALE_TEMPORARY_S = 60.0


class UnusableFile(Exception):
    """The file is there but is not settings: ``reason`` says why, in a few words (no full stop)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_text(path: Path) -> str:
    """The file's text. FileNotFoundError when there is none, OSError when it can't be read, UnusableFile when
    it is not a regular file, too large, or not UTF-8."""
    info = os.stat(path)
    _check(info)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as stream:
        _check(os.fstat(stream.fileno()))
        data = stream.read(MAX_SETTINGS_BYTES + 1)
    if len(data) > MAX_SETTINGS_BYTES:
        raise UnusableFile(f"it is larger than {MAX_SETTINGS_BYTES // 1_000_000} MB, far more than settings take")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnusableFile(f"it is not UTF-8 text at byte {error.start}") from None


def _check(info: os.stat_result) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise UnusableFile("it is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise UnusableFile("it is a pipe or a device, not a regular file")
    if info.st_size > MAX_SETTINGS_BYTES:
        raise UnusableFile(f"it is larger than {MAX_SETTINGS_BYTES // 1_000_000} MB, far more than settings take")


def parse(text: str) -> Any:
    """``json.loads``, with every way it can fail (deep nesting, a 5,000-digit number) as UnusableFile."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UnusableFile(f"line {error.lineno} column {error.colno}: {error.msg}") from None
    except RecursionError:
        raise UnusableFile("it is nested too deeply to be settings") from None
    except (ValueError, MemoryError) as error:  # ValueError: an integer longer than Python converts
        raise UnusableFile(f"it holds a value that can't be read ({str(error)[:80]})") from None


def remove_stale_temporaries(path: Path, *, older_than_s: float = STALE_TEMPORARY_S) -> int:
    """Delete ``.<name>.*.tmp`` files that killed saves left beside ``path``; how many were removed."""
    removed = 0
    now = time.time()
    with contextlib.suppress(OSError):
        for leftover in path.parent.glob(f".{path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                info = leftover.lstat()
                if stat.S_ISREG(info.st_mode) and now - info.st_mtime > older_than_s:
                    leftover.unlink()
                    removed += 1
    return removed


def unknown_entries(raw: Mapping[str, Any], known: Mapping[str, Any]) -> dict[str, Any]:
    """What ``raw`` (the file's data) holds that ``known`` (what this version writes) does not: whole keys, and
    names inside groups, so a newer version's settings survive a save by this one."""
    extra: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            extra[key] = copy.deepcopy(value)
        elif isinstance(value, Mapping) and isinstance(known[key], Mapping) and key != "hotkeys":
            inner = {name: copy.deepcopy(item) for name, item in value.items() if name not in known[key]}
            if inner:
                extra[key] = inner
    return extra


def with_unknown(data: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` (what this version writes) with ``extra`` put back where nothing of this version stands."""
    for key, value in extra.items():
        if key not in data:
            data[key] = value
        elif isinstance(value, Mapping) and isinstance(data[key], dict):
            for name, item in value.items():
                data[key].setdefault(name, item)
    return data
