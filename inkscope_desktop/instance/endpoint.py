"""Where the running app listens: a private per-user folder holding a Unix socket, or a named pipe on Windows.

The folder is ``folder`` when a caller passes one, else ``$INKSCOPE_RUNTIME_DIR``, else
``$XDG_RUNTIME_DIR/inkscope-desktop``, else ``<temp dir>/inkscope-desktop-<uid>``. It must be a real folder of
this user that nobody else can write to; the app creates it with mode 0700 and refuses any other.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from inkscope_desktop.core.errors import InstanceError

RUNTIME_DIR_ENV = "INKSCOPE_RUNTIME_DIR"
APP_FOLDER = "inkscope-desktop"
SOCKET_NAME = "instance.sock"
LOCK_NAME = "instance.lock"
#: sun_path holds 108 bytes on Linux and 104 on macOS, the terminating NUL included.
MAX_SOCKET_PATH_BYTES = 103


def is_windows() -> bool:
    return sys.platform == "win32"


def endpoint_folder(folder: str | os.PathLike[str] | None = None) -> Path:
    """The folder for the socket (not created, not checked)."""
    if folder is not None:
        return Path(folder)
    if os.environ.get(RUNTIME_DIR_ENV):
        return Path(os.environ[RUNTIME_DIR_ENV])
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        return Path(runtime) / APP_FOLDER
    return Path(tempfile.gettempdir()) / f"{APP_FOLDER}-{os.getuid()}"


def socket_path(folder: Path) -> Path:
    path = folder / SOCKET_NAME
    if len(os.fsencode(path)) > MAX_SOCKET_PATH_BYTES:
        raise InstanceError(
            f"The path {path} is too long for a local socket.",
            f"Set {RUNTIME_DIR_ENV} to a shorter folder of your own, e.g. ~/.inkscope.",
        )
    return path


def prepare_folder(folder: Path) -> None:
    """Create ``folder`` with mode 0700, or check that the one already there is private to this user."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        check_folder(folder)
        return
    os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask; make it exactly 0700


def check_folder(folder: Path) -> None:
    """Raise InstanceError unless ``folder`` is a real folder owned by this user and writable by nobody else."""
    info = os.lstat(folder)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise InstanceError(
            f"{folder} should be the folder for talking to the running app, but it is not a folder.",
            f"Remove it, or set {RUNTIME_DIR_ENV} to a folder of your own.",
        )
    if info.st_uid != os.getuid():
        raise InstanceError(
            f"The folder {folder} for talking to the running app belongs to another user.",
            f"Remove it, or set {RUNTIME_DIR_ENV} to a folder of your own.",
        )
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise InstanceError(
            f"Other users can change the folder {folder} (mode {stat.S_IMODE(info.st_mode):04o}).",
            f"Make it private with: chmod 700 {folder}",
        )


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` while checking, replacing or removing the socket.

    flock, not lockf: flock locks belong to the open file, so two threads of one process exclude each other too.
    """
    import fcntl

    descriptor = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def pipe_name() -> str:
    r"""The Windows named pipe of this user's logon session, e.g. ``\\.\pipe\inkscope-desktop-S-1-5-21-…-s1``."""
    from inkscope_desktop.instance.pipe_security import current_identity, pipe_name_for

    try:
        return pipe_name_for(*current_identity())
    except (OSError, ValueError) as error:
        raise InstanceError(f"Windows did not tell which user and session this is ({error}).",
                            "Start Inkscope again; if this keeps happening, restart Windows.") from None
