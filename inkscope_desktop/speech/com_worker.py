"""ComWorker: one thread that owns a COM object (SAPI's SpVoice, JAWS's JawsApi) and makes every call to it.

A COM object created in a single-threaded apartment may only be called from the thread that created it, so the
Windows speech routes never touch theirs from the narrator's thread: ``post`` queues a call, ``call`` queues
one and waits for its result (with a timeout), and ``post_first`` puts a call ahead of every queued one (a
stop must not wait behind the pieces it cancels). Between calls ``on_idle`` runs every ``poll_s`` seconds
while it returns True (SAPI's speaker polls ``WaitUntilDone`` there).

``com`` is how COM is reached: ``ComtypesRuntime`` on Windows, a double in tests (this project's CI has no
Windows). It is asked only on the worker's thread.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)


class ComRuntime(Protocol):
    """Enter and leave COM on the calling thread, and create objects by ProgID there."""

    def initialize(self) -> None: ...

    def create(self, prog_id: str) -> Any: ...

    def uninitialize(self) -> None: ...


class ComtypesRuntime:
    """COM through comtypes (Windows only): CoInitialize (single-threaded apartment) and CreateObject."""

    def initialize(self) -> None:
        import comtypes

        comtypes.CoInitialize()

    def create(self, prog_id: str) -> Any:
        """The object through its type library (SAPI has one); else late-bound through IDispatch, as JAWS's
        ``FreedomSci.JawsApi`` may need."""
        import comtypes.client

        try:
            return comtypes.client.CreateObject(prog_id)
        except Exception:  # noqa: BLE001 - no usable type library (COMError, a wrapper that can't be made): late-bind
            return comtypes.client.CreateObject(prog_id, dynamic=True)

    def uninitialize(self) -> None:
        import comtypes

        comtypes.CoUninitialize()


class ComWorker:
    """A daemon thread, started by the first call, that runs queued calls in a COM apartment."""

    def __init__(self, com: ComRuntime, name: str, *, on_idle: Callable[[], bool] | None = None,
                 poll_s: float = 0.02) -> None:
        self._com = com
        self._name = name
        self._on_idle = on_idle
        self._poll_s = poll_s
        self._cond = threading.Condition()
        self._calls: deque[Callable[[], None]] = deque()
        self._wants_idle = False
        self._is_closing = False
        self._thread: threading.Thread | None = None

    @property
    def com(self) -> ComRuntime:
        return self._com

    def post(self, function: Callable[[], None]) -> None:
        self._queue(function, first=False)

    def post_first(self, function: Callable[[], None]) -> None:
        self._queue(function, first=True)

    def drop_queued(self) -> None:
        """Forget the calls not yet started."""
        with self._cond:
            self._calls.clear()

    def call(self, function: Callable[[], Any], timeout_s: float) -> Any:
        """Run ``function`` on the worker and return what it returns (or raise what it raised); TimeoutError
        when the worker did not get to it in ``timeout_s`` seconds."""
        answers: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)

        def run() -> None:
            try:
                answers.put((True, function()))
            except BaseException as error:  # noqa: BLE001 - handed to the caller, who raises it
                answers.put((False, error))

        self._queue(run, first=False)
        try:
            is_value, value = answers.get(timeout=timeout_s)
        except queue.Empty:
            raise TimeoutError(f"the {self._name} thread did not answer within {timeout_s:g} s") from None
        if is_value:
            return value
        raise value

    def keep_polling(self) -> None:
        """Call ``on_idle`` again between calls until it returns False (after something started sounding)."""
        with self._cond:
            self._wants_idle = True
            self._cond.notify_all()

    def close(self, timeout_s: float = 2.0) -> None:
        with self._cond:
            self._is_closing = True
            self._calls.clear()
            self._cond.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout_s)

    def _queue(self, function: Callable[[], None], *, first: bool) -> None:
        with self._cond:
            if self._is_closing:
                return
            if first:
                self._calls.appendleft(function)
            else:
                self._calls.append(function)
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name=f"inkscope-{self._name}", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def _work(self) -> None:
        try:
            self._com.initialize()
        except Exception:
            log.exception("COM could not start on the %s thread", self._name)
            raise
        try:
            while True:
                with self._cond:
                    while not self._calls and not self._is_closing:
                        if self._wants_idle:
                            self._cond.wait(self._poll_s)
                            break
                        self._cond.wait()
                    if self._is_closing:
                        return
                    function = self._calls.popleft() if self._calls else None
                    polls = self._wants_idle and function is None
                if function is not None:
                    self._run(function)
                elif polls and self._on_idle is not None:
                    keeps = self._run_idle()
                    with self._cond:
                        self._wants_idle = keeps
        finally:
            try:
                self._com.uninitialize()
            except Exception:  # leaving COM at the end of the thread; nothing else depends on it
                log.debug("CoUninitialize failed", exc_info=True)

    def _run(self, function: Callable[[], None]) -> None:
        try:
            function()
        except Exception:  # the worker must go on for the next piece
            log.exception("A call on the %s thread failed", self._name)

    def _run_idle(self) -> bool:
        assert self._on_idle is not None
        try:
            return bool(self._on_idle())
        except Exception:
            log.exception("Polling on the %s thread failed", self._name)
            return False
