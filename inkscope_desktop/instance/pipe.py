"""The Windows side of the single-instance channel: a named pipe of this user's session (``multiprocessing``'s pipe
connections, with the pipe created here).

Each message on the pipe is one protocol line. The first listener creates the pipe with
FILE_FLAG_FIRST_PIPE_INSTANCE, so a second one fails: creating the pipe is the arbiter, as binding is on Unix.
The pipe's name holds the user's SID and session id, its descriptor lets only that user and SYSTEM in, and
remote clients are rejected (see ``pipe_security``). The client waits for a busy pipe only as long as its own
timeout allows (``connect``; multiprocessing's ``Client`` would wait up to 20 s).

The connection logic is tested against a double of ``_winapi``; the real pipe has not run in this project's CI.
"""

from __future__ import annotations

import ctypes
import importlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from inkscope_desktop.core.errors import InstanceError
from inkscope_desktop.instance.pipe_security import (
    PIPE_REJECT_REMOTE_CLIENTS,
    current_identity,
    security_attributes,
)
from inkscope_desktop.instance.protocol import (
    MAX_REPLY_BYTES,
    MAX_REQUEST_BYTES,
    InstanceBusyError,
    InstanceNotRunningError,
    InstanceRunningError,
)

logger = logging.getLogger(__name__)


ERROR_FILE_NOT_FOUND, ERROR_PIPE_BUSY, ERROR_SEM_TIMEOUT = 2, 231, 121
#: The longest single WaitNamedPipe; the client's own timeout bounds the total.
WAIT_STEP_MS = 250


def secure_listener(name: str) -> Any:
    """A ``multiprocessing`` pipe listener whose pipe only this user (and SYSTEM) may open, from this machine."""
    connection: Any = importlib.import_module("multiprocessing.connection")  # its pipe classes exist on Windows only
    _winapi: Any = importlib.import_module("_winapi")
    PipeListener, BUFSIZE = connection.PipeListener, connection.BUFSIZE  # noqa: N806 - the class and constant

    sid, _session = current_identity()
    attributes = security_attributes(sid)

    class SecurePipeListener(PipeListener):  # type: ignore[misc, valid-type]
        def _new_handle(self, first: bool = False) -> int:
            flags = _winapi.PIPE_ACCESS_DUPLEX | _winapi.FILE_FLAG_OVERLAPPED
            if first:
                flags |= _winapi.FILE_FLAG_FIRST_PIPE_INSTANCE
            mode = (_winapi.PIPE_TYPE_MESSAGE | _winapi.PIPE_READMODE_MESSAGE | _winapi.PIPE_WAIT
                    | PIPE_REJECT_REMOTE_CLIENTS)
            return _winapi.CreateNamedPipe(self._address, flags, mode, _winapi.PIPE_UNLIMITED_INSTANCES, BUFSIZE,
                                           BUFSIZE, _winapi.NMPWAIT_WAIT_FOREVER, ctypes.addressof(attributes))

    return SecurePipeListener(name)


def connect(name: str, timeout: float, *, winapi: Any = None, make_connection: Callable[[int], Any] | None = None,
            clock: Callable[[], float] = time.monotonic) -> Any:
    """A connection to the pipe ``name``: InstanceNotRunningError when there is none, InstanceError when it stays
    busy for ``timeout`` seconds (each WaitNamedPipe is cut to the time left)."""
    if winapi is None:
        winapi = importlib.import_module("_winapi")
    if make_connection is None:
        make_connection = importlib.import_module("multiprocessing.connection").PipeConnection
    deadline = clock() + timeout
    while True:
        try:
            handle = winapi.CreateFile(name, winapi.GENERIC_READ | winapi.GENERIC_WRITE, 0, winapi.NULL,
                                       winapi.OPEN_EXISTING, winapi.FILE_FLAG_OVERLAPPED, winapi.NULL)
            break
        except OSError as error:
            code = getattr(error, "winerror", None)
            if code == ERROR_FILE_NOT_FOUND or isinstance(error, FileNotFoundError):
                raise InstanceNotRunningError() from None
            left_ms = int((deadline - clock()) * 1000)
            if code not in (ERROR_PIPE_BUSY, ERROR_SEM_TIMEOUT) or left_ms <= 0:
                raise _busy(timeout) from None
        try:
            winapi.WaitNamedPipe(name, max(1, min(WAIT_STEP_MS, left_ms)))
        except OSError as error:
            if getattr(error, "winerror", None) == ERROR_FILE_NOT_FOUND or isinstance(error, FileNotFoundError):
                raise InstanceNotRunningError() from None
            if clock() >= deadline:
                raise _busy(timeout) from None
    winapi.SetNamedPipeHandleState(handle, winapi.PIPE_READMODE_MESSAGE, None, None)
    return make_connection(handle)


def _busy(timeout: float) -> InstanceError:
    return InstanceBusyError(timeout)


class PipeTransport:
    """Serves the pipe one connection at a time; a silent client is dropped after ``timeout`` seconds."""

    def __init__(self, name: str, answer: Callable[[bytes], bytes | None], timeout: float) -> None:
        self._name = name
        self._answer = answer
        self._timeout = timeout
        self._is_stopping = threading.Event()
        try:
            self._listener = secure_listener(name)
        except PermissionError:  # the pipe exists: this user's app runs in this session
            raise InstanceRunningError("Inkscope Desktop is already running.",
                                       "Send it an action with: inkscope-desktop trigger ACTION") from None
        except OSError as error:
            raise InstanceError(f"Inkscope could not open its channel for other launches ({error}).",
                                "Start it again; if this keeps happening, restart Windows.") from None

    def serve(self) -> None:
        while not self._is_stopping.is_set():
            try:
                connection = self._listener.accept()
            except OSError:
                break
            with connection:
                if self._is_stopping.is_set():
                    break
                try:
                    if not connection.poll(self._timeout):
                        logger.warning("Closed a connection that sent no request within %s s", self._timeout)
                        continue
                    line, has_end, _ = connection.recv_bytes(MAX_REQUEST_BYTES + 2).partition(b"\n")
                    reply = self._answer(line) if has_end else None
                    if reply is not None:
                        connection.send_bytes(reply)
                except (OSError, EOFError) as error:  # too long, or the client went away
                    logger.warning("Dropped a request: %s", error)

    def wake(self) -> None:
        self._is_stopping.set()
        try:
            connect(self._name, 1.0).close()  # unblocks accept()
        except (OSError, InstanceError):
            pass

    def close(self) -> None:
        self._listener.close()


def pipe_request(name: str, request: bytes, timeout: float, **connect_options: Any) -> bytes:
    """Send ``request`` to the instance serving the pipe ``name`` and return its answer, all within ``timeout``."""
    began = time.monotonic()
    connection = connect(name, timeout, **connect_options)
    with connection:
        try:
            connection.send_bytes(request)
        except OSError as error:
            raise InstanceError(f"The running Inkscope Desktop closed the connection ({error}).",
                                "Try again; if it keeps happening, quit it and start it again.") from None
        if not connection.poll(max(0.0, timeout - (time.monotonic() - began))):
            raise InstanceError(f"The running Inkscope Desktop did not answer within {timeout:g} s.",
                                "It may be stuck: quit it and start it again.")
        try:
            return connection.recv_bytes(MAX_REPLY_BYTES)
        except (OSError, EOFError):
            return b""
