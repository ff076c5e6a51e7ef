"""Small file operations settings and history share: atomic replacement, and moving a bad file aside.

Both work on one path at a time and hold no state; two threads writing the same path still each leave a
whole file (the last ``os.replace`` wins). Callers serialise writers when order matters.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path


def write_atomically(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` so that readers and crashes see either the old file or the new one, whole.

    The bytes go to a temporary file in the same folder, are flushed and fsynced, then ``os.replace`` swaps it
    in and the folder is fsynced (POSIX) so the rename itself survives a power cut. On any error the temporary
    file is removed and the old file is left as it was. Parent folders are created as needed.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(payload)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (a no-op where folders cannot be opened: Windows)."""
    if os.name != "posix":
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def move_aside(path: Path, reason: str, *, companions: tuple[str, ...] = ()) -> Path:
    """Rename ``path`` to ``<name>.<reason>-<YYYYmmdd-HHMMSS>`` beside it (never overwriting) and return the new path.

    ``companions`` are suffixes of files that belong to ``path`` (SQLite's ``-wal`` and ``-shm``); each one that
    exists is renamed with it, so the kept copy stays readable. Raises OSError when the rename fails.
    """
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{reason}-{stamp}")
    counter = 2
    while target.exists() or any(Path(f"{target}{suffix}").exists() for suffix in companions):
        target = path.with_name(f"{path.name}.{reason}-{stamp}-{counter}")
        counter += 1
    os.rename(path, target)
    for suffix in companions:
        companion = Path(f"{path}{suffix}")
        if companion.exists():
            os.rename(companion, Path(f"{target}{suffix}"))
    fsync_folder(path.parent)
    return target
