"""The Unix-socket side of the single-instance channel (Linux, macOS): serving, probing and sending."""

from __future__ import annotations

import logging
import os
import selectors
import socket
import struct
import time
from collections.abc import Callable
from pathlib import Path

from inkscope_desktop.core.errors import InstanceError
from inkscope_desktop.instance.endpoint import check_folder, folder_lock, prepare_folder, socket_path
from inkscope_desktop.instance.protocol import (
    MAX_REPLY_BYTES,
    MAX_REQUEST_BYTES,
    InstanceBusyError,
    InstanceNotRunningError,
    InstanceRunningError,
)

logger = logging.getLogger(__name__)

#: Connections still silent when a new one arrives beyond this are closed, oldest first.
MAX_PENDING_CONNECTIONS = 16
#: How often a client tries again while the queue of waiting connections is full.
CONNECT_RETRY_S = 0.02


def peer_uid(connection: socket.socket) -> int | None:
    """The user id of the process at the other end (Linux SO_PEERCRED); None where the platform can't say."""
    if not hasattr(socket, "SO_PEERCRED"):
        return None
    credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return uid


class UnixTransport:
    """A listening socket served by one selector loop, so a silent client never holds up the others.

    Made by binding (InstanceRunningError when another instance serves); ``serve()`` runs on the server thread
    until ``wake()``; ``close()`` then removes the socket file if it is still this one.
    """

    def __init__(self, folder: Path, answer: Callable[[bytes], bytes | None], timeout: float) -> None:
        self._answer = answer
        self._timeout = timeout
        self._folder = folder
        self._path = socket_path(folder)
        prepare_folder(folder)
        self._listener = _bind_exclusive(folder, self._path)
        self._identity = _identity(self._path)
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._is_stopping = False
        self._pending: dict[socket.socket, tuple[float, bytes]] = {}  # connection -> (deadline, bytes so far)

    def wake(self) -> None:
        self._is_stopping = True
        try:
            self._wake_writer.send(b"x")
        except OSError:
            pass

    def close(self) -> None:
        with folder_lock(self._folder):
            if _identity(self._path) == self._identity:  # a newer instance may have replaced it already
                self._path.unlink()
        for sock in (self._listener, self._wake_reader, self._wake_writer):
            sock.close()

    def serve(self) -> None:
        selector = selectors.DefaultSelector()
        selector.register(self._listener, selectors.EVENT_READ)
        selector.register(self._wake_reader, selectors.EVENT_READ)
        try:
            while not self._is_stopping:
                for key, _events in selector.select(self._next_timeout()):
                    if key.fileobj is self._listener:
                        self._accept(selector)
                    elif key.fileobj is not self._wake_reader:
                        self._read(selector, key.fileobj)  # type: ignore[arg-type]
                self._expire(selector)
        except Exception:
            logger.exception("The instance server stopped on an unexpected error")
        finally:
            for connection in list(self._pending):
                self._drop(selector, connection)
            selector.close()

    def _next_timeout(self) -> float | None:
        if not self._pending:
            return None
        return max(0.0, min(deadline for deadline, _ in self._pending.values()) - time.monotonic())

    def _accept(self, selector: selectors.BaseSelector) -> None:
        try:
            connection, _ = self._listener.accept()
        except (BlockingIOError, InterruptedError):
            return
        except OSError as error:  # out of file descriptors, say: keep serving the connections already open
            logger.warning("Could not accept a connection: %s", error)
            return
        try:
            uid = peer_uid(connection)
        except OSError:
            uid = -1
        if uid is not None and uid != os.getuid():
            logger.warning("Refused a connection from user id %d", uid)
            connection.close()
            return
        connection.setblocking(False)
        if len(self._pending) >= MAX_PENDING_CONNECTIONS:
            logger.warning("Too many silent connections; closed the oldest")
            self._drop(selector, min(self._pending, key=lambda c: self._pending[c][0]))
        self._pending[connection] = (time.monotonic() + self._timeout, b"")
        selector.register(connection, selectors.EVENT_READ)

    def _read(self, selector: selectors.BaseSelector, connection: socket.socket) -> None:
        deadline, received = self._pending[connection]
        try:
            chunk = connection.recv(MAX_REQUEST_BYTES + 1)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:
            if received:
                logger.warning("Ignored a request without a line end: %r", received[:32])
            self._drop(selector, connection)  # nothing at all: a starting instance checking that this one lives
            return
        received += chunk
        line, has_end, _ = received.partition(b"\n")
        if not has_end and len(received) <= MAX_REQUEST_BYTES:
            self._pending[connection] = (deadline, received)
            return
        reply = self._answer(line if has_end else received)
        if reply is not None:
            try:
                connection.send(reply)
            except OSError:
                pass
        self._drop(selector, connection)

    def _expire(self, selector: selectors.BaseSelector) -> None:
        now = time.monotonic()
        for connection, (deadline, received) in list(self._pending.items()):
            if deadline <= now:
                logger.warning("Closed a connection that sent no request within %s s (%d bytes came)",
                               self._timeout, len(received))
                self._drop(selector, connection)

    def _drop(self, selector: selectors.BaseSelector, connection: socket.socket) -> None:
        self._pending.pop(connection, None)
        selector.unregister(connection)
        connection.close()


def unix_request(folder: Path, request: bytes, timeout: float) -> bytes:
    """Send ``request`` to the instance serving ``folder`` and return its answer (b"" when it gave none)."""
    path = socket_path(folder)
    if not os.path.lexists(folder):
        raise InstanceNotRunningError()
    check_folder(folder)  # never talk to a socket someone else could have put there
    deadline = time.monotonic() + timeout
    with _connected(path, timeout, deadline) as sock:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            sock.sendall(request)
            reply = b""
            while len(reply) <= MAX_REPLY_BYTES and not reply.endswith(b"\n"):
                chunk = sock.recv(MAX_REPLY_BYTES)
                if not chunk:
                    break
                reply += chunk
        except TimeoutError:
            raise InstanceError(f"The running Inkscope Desktop did not answer within {timeout:g} s.",
                                "It may be stuck: quit it and start it again.") from None
        except OSError as error:
            raise InstanceError(f"Talking to the running Inkscope Desktop failed: {error.strerror or error}.",
                                "Quit it and start it again.") from None
    return reply


def _connected(path: Path, timeout: float, deadline: float) -> socket.socket:
    """A socket connected to ``path``. A full queue of waiting connections (EAGAIN: the app is busy, or
    hundreds of triggers came at once) is tried again every 20 ms until ``deadline``, then InstanceBusyError."""
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            sock.connect(str(path))
            return sock
        except (FileNotFoundError, ConnectionRefusedError):
            sock.close()
            raise InstanceNotRunningError() from None
        except (BlockingIOError, TimeoutError):
            sock.close()
            if time.monotonic() >= deadline:
                raise InstanceBusyError(timeout) from None
            time.sleep(min(CONNECT_RETRY_S, max(0.0, deadline - time.monotonic())))
        except OSError as error:
            sock.close()
            raise InstanceError(f"Talking to the running Inkscope Desktop failed: {error.strerror or error}.",
                                "Quit it and start it again.") from None


def _bind_exclusive(folder: Path, path: Path) -> socket.socket:
    """Bind and listen at ``path``; the lock makes check-replace-bind-listen one step between instances.

    A socket file nobody listens on (connection refused) is what a crashed instance leaves: it is replaced.
    """
    with folder_lock(folder):
        if os.path.lexists(path):
            if _is_served(path):
                raise InstanceRunningError("Inkscope Desktop is already running.",
                                           "Send it an action with: inkscope-desktop trigger ACTION")
            logger.info("Replacing the stale socket %s", path)
            path.unlink()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(str(path))
            os.chmod(path, 0o600)  # the 0700 folder already keeps others out; this is the second wall
            listener.listen(16)
        except BaseException:
            listener.close()
            raise
    listener.setblocking(False)
    return listener


def _is_served(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        try:
            probe.connect(str(path))
        except (ConnectionRefusedError, FileNotFoundError):
            return False
        except OSError:
            return True  # busy or slow: maybe alive, so never take its place
        return True


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino
