"""The single-instance server: owns this user's endpoint and hands each action name that arrives to a callback."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from inkscope_desktop.instance.endpoint import endpoint_folder, is_windows, pipe_name, socket_path
from inkscope_desktop.instance.protocol import answer_request

if TYPE_CHECKING:
    from inkscope_desktop.instance.pipe import PipeTransport
    from inkscope_desktop.instance.unix import UnixTransport

logger = logging.getLogger(__name__)


class InstanceServer:
    """Serves this user's endpoint on a daemon thread from ``start()`` until ``stop()``.

    ``on_request(name)`` gets each well-formed action name and answers whether it knows it (the app's action
    registry decides; False is answered ``unknown-action``). It runs on the server thread: it must only enqueue
    (``queue.put``, emitting a Qt signal that is delivered queued) and return at once. An exception from it is
    logged and answered ``failed``; the server keeps serving. ``start()`` raises InstanceRunningError when another
    instance already serves this user.
    ``folder`` (or ``$INKSCOPE_RUNTIME_DIR``) replaces the endpoint folder; it is ignored on Windows.
    """

    def __init__(self, on_request: Callable[[str], bool], *, folder: str | os.PathLike[str] | None = None,
                 connection_timeout: float = 2.0) -> None:
        self._on_request = on_request
        self._folder = None if is_windows() else endpoint_folder(folder)
        self._connection_timeout = connection_timeout
        self._transport: UnixTransport | PipeTransport | None = None
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> str:
        """The socket path, or the pipe name on Windows."""
        return pipe_name() if self._folder is None else str(socket_path(self._folder))

    @property
    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self._transport is not None:
            raise RuntimeError("This InstanceServer is already serving.")
        if self._folder is None:
            from inkscope_desktop.instance.pipe import PipeTransport

            self._transport = PipeTransport(self.address, self._answer, self._connection_timeout)
        else:
            from inkscope_desktop.instance.unix import UnixTransport

            self._transport = UnixTransport(self._folder, self._answer, self._connection_timeout)
        self._thread = threading.Thread(target=self._transport.serve, name="inkscope-instance-server", daemon=True)
        self._thread.start()
        logger.info("Serving actions at %s", self.address)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving, wait for the thread, and remove the socket file if it is still this server's."""
        transport, self._transport = self._transport, None
        if transport is None or self._thread is None:
            return
        transport.wake()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)
            if self._thread.is_alive():
                logger.warning("The instance server did not stop within %g s (a blocking on_request?)", timeout)
        transport.close()

    def __enter__(self) -> InstanceServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _answer(self, line: bytes) -> bytes | None:
        return answer_request(line, self._on_request)
