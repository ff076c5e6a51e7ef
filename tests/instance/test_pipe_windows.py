"""The Windows pipe's name, descriptor and client, against a double of CPython's ``_winapi`` (CI has no Windows)."""

from __future__ import annotations

import pytest

from inkscope_desktop.core.errors import InstanceError
from inkscope_desktop.instance.pipe import ERROR_FILE_NOT_FOUND, ERROR_PIPE_BUSY, connect, pipe_request
from inkscope_desktop.instance.pipe_security import pipe_name_for, pipe_sddl
from inkscope_desktop.instance.protocol import InstanceNotRunningError

SID = "S-1-5-21-1004336348-1177238915-682003330-1001"


def test_the_pipe_is_named_after_the_users_sid_and_session():
    assert pipe_name_for(SID, 1) == rf"\\.\pipe\inkscope-desktop-{SID}-s1"
    assert pipe_name_for(SID, 2) != pipe_name_for(SID, 1)
    with pytest.raises(ValueError):
        pipe_name_for("alice", 1)  # a user name is no SID: two accounts may share it


def test_only_the_user_and_system_may_open_the_pipe():
    assert pipe_sddl(SID) == f"D:P(A;;GA;;;{SID})(A;;GA;;;SY)"
    with pytest.raises(ValueError):
        pipe_sddl("S-1-1-0)(A;;GA;;;WD")  # no way to smuggle Everyone in


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class WinapiDouble:
    """What the client calls, as documented for CreateFileW and WaitNamedPipeW: CreateFile fails with
    ERROR_FILE_NOT_FOUND (2) when no server created the pipe and with ERROR_PIPE_BUSY (231) while every instance
    is taken; WaitNamedPipe(name, ms) waits up to ``ms`` for an instance (here: the clock moves by ``ms``)."""

    GENERIC_READ, GENERIC_WRITE, NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED = 0x80000000, 0x40000000, 0, 3, 0x40000000
    PIPE_READMODE_MESSAGE = 2

    def __init__(self, clock: Clock, *, exists: bool = True, busy_for_s: float = 0.0) -> None:
        self.clock = clock
        self.exists = exists
        self.busy_until = busy_for_s
        self.waits: list[int] = []
        self.mode = None

    def _fail(self, code: int) -> OSError:
        error = OSError(22, "double")
        error.winerror = code  # as on Windows
        return error

    def CreateFile(self, name, access, share, security, disposition, flags, template):  # noqa: N802
        if not self.exists:
            raise self._fail(ERROR_FILE_NOT_FOUND)
        if self.clock.now < self.busy_until:
            raise self._fail(ERROR_PIPE_BUSY)
        return 42

    def WaitNamedPipe(self, name, milliseconds):  # noqa: N802
        self.waits.append(milliseconds)
        self.clock.now += milliseconds / 1000

    def SetNamedPipeHandleState(self, handle, mode, count, timeout):  # noqa: N802
        self.mode = mode


class ConnectionDouble:
    def __init__(self, handle: int, answers: bool = True) -> None:
        self.handle = handle
        self.sent: list[bytes] = []
        self.answers = answers

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def send_bytes(self, data: bytes) -> None:
        self.sent.append(data)

    def poll(self, timeout: float) -> bool:
        return self.answers

    def recv_bytes(self, limit: int) -> bytes:
        return b'{"ok": true}\n'


def test_no_pipe_means_no_instance():
    clock = Clock()
    with pytest.raises(InstanceNotRunningError):
        connect("p", 2.0, winapi=WinapiDouble(clock, exists=False), make_connection=ConnectionDouble, clock=clock)


def test_a_busy_pipe_is_waited_for_only_as_long_as_the_timeout():
    clock = Clock()
    winapi = WinapiDouble(clock, busy_for_s=60.0)
    with pytest.raises(InstanceError) as raised:
        connect("p", 2.0, winapi=winapi, make_connection=ConnectionDouble, clock=clock)
    assert "busy" in raised.value.message and "2 s" in raised.value.message
    assert clock.now <= 2.0 + 0.25 and sum(winapi.waits) <= 2000


def test_a_pipe_busy_for_a_moment_connects_in_message_mode():
    clock = Clock()
    winapi = WinapiDouble(clock, busy_for_s=0.6)
    connection = connect("p", 2.0, winapi=winapi, make_connection=ConnectionDouble, clock=clock)
    assert connection.handle == 42 and winapi.mode == WinapiDouble.PIPE_READMODE_MESSAGE
    reply = pipe_request("p", b'{"action": "describe-screen"}\n', 2.0, winapi=WinapiDouble(clock),
                         make_connection=ConnectionDouble, clock=clock)
    assert reply == b'{"ok": true}\n'
