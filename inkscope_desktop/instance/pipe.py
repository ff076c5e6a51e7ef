"""The Windows side of the single-instance channel: a per-user named pipe through ``multiprocessing.connection``.

Not exercised by the test suite (it runs on Linux); kept small and apart from the Unix-socket code. Each message
on the pipe is one protocol line. The first ``Listener`` creates the pipe with FILE_FLAG_FIRST_PIPE_INSTANCE, so a
second one fails: creating the pipe is the arbiter, as binding is on Unix. The pipe keeps Windows' default
security: only its owner, SYSTEM and administrators may write to it, so other users cannot send actions. Pipe
names are machine-wide, though: another user who takes this name first can keep the app from starting.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from inkscope_desktop.core.errors import InstanceError
from inkscope_desktop.instance.protocol import (
    MAX_REPLY_BYTES,
    MAX_REQUEST_BYTES,
    InstanceNotRunningError,
    InstanceRunningError,
)

logger = logging.getLogger(__name__)


class PipeTransport:
    """Serves the pipe one connection at a time; a silent client is dropped after ``timeout`` seconds."""

    def __init__(self, name: str, answer: Callable[[bytes], bytes | None], timeout: float) -> None:
        from multiprocessing.connection import Listener

        self._name = name
        self._answer = answer
        self._timeout = timeout
        self._is_stopping = threading.Event()
        try:
            self._listener = Listener(name, family="AF_PIPE")
        except PermissionError:
            raise InstanceRunningError("Inkscope Desktop is already running.",
                                       "Send it an action with: inkscope-desktop trigger ACTION") from None

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
        from multiprocessing.connection import Client

        self._is_stopping.set()
        try:
            Client(self._name, family="AF_PIPE").close()  # unblocks accept()
        except OSError:
            pass

    def close(self) -> None:
        self._listener.close()


def pipe_request(name: str, request: bytes, timeout: float) -> bytes:
    """Send ``request`` to the instance serving the pipe ``name`` and return its answer."""
    from multiprocessing.connection import Client

    try:
        connection = Client(name, family="AF_PIPE")
    except FileNotFoundError:
        raise InstanceNotRunningError() from None
    with connection:
        connection.send_bytes(request)
        if not connection.poll(timeout):
            raise InstanceError(f"The running Inkscope Desktop did not answer within {timeout:g} s.",
                                "It may be stuck: quit it and start it again.")
        try:
            return connection.recv_bytes(MAX_REPLY_BYTES)
        except (OSError, EOFError):
            return b""
