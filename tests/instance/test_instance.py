"""The single-instance channel: real sockets in a temp folder, a real server thread, real clients."""

from __future__ import annotations

import logging
import os
import queue
import socket
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from inkscope_desktop.instance import unix as instance_unix
from inkscope_desktop.core.actions import Action
from inkscope_desktop.core.errors import InstanceError
from inkscope_desktop.instance import (
    InstanceNotRunningError,
    InstanceRunningError,
    InstanceServer,
    claim_instance,
    send_action,
)
from inkscope_desktop.instance.endpoint import RUNTIME_DIR_ENV, endpoint_folder
from inkscope_desktop.instance.protocol import encode_request

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the Unix-socket transport")


class Received:
    """Collects the actions a server hands over, as the app's action registry would: the names of actions it
    knows are taken (True), anything else is refused (False)."""

    def __init__(self) -> None:
        self.actions: queue.Queue[Action] = queue.Queue()

    def __call__(self, name: str) -> bool:
        try:
            action = Action(name)
        except ValueError:
            return False
        self.actions.put(action)
        return True

    def next(self) -> Action:
        return self.actions.get(timeout=5)

    def is_empty(self) -> bool:
        return self.actions.empty()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "rt"


@pytest.fixture
def received() -> Received:
    return Received()


@pytest.fixture
def server(folder: Path, received: Received):
    with InstanceServer(received, folder=folder) as running:
        yield running


def raw_request(address: str, payload: bytes) -> bytes:
    """Send bytes the way any local program could, and return everything the server answers."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(address)
        answer = b""
        try:
            sock.sendall(payload)
            sock.shutdown(socket.SHUT_WR)
            while chunk := sock.recv(1024):
                answer += chunk
        except (BrokenPipeError, ConnectionResetError):  # dropped before or after reading it: no answer
            pass
        return answer


def make_stale_socket(path: Path) -> None:
    """What a crashed instance leaves: a socket file nobody listens on."""
    path.parent.mkdir(mode=0o700, exist_ok=True)
    leftover = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    leftover.bind(str(path))
    leftover.close()


def test_each_action_arrives_once(server, received, folder):
    for action in Action:
        send_action(action, folder=folder)
        assert received.next() is action
    assert received.is_empty()


def test_the_request_is_one_line_with_the_action_name():
    assert encode_request(Action.DESCRIBE_SCREEN) == b"describe-screen\n"


@pytest.mark.parametrize(
    ("payload", "answer"),
    [
        (b"delete-everything\n", b"unknown-action\n"),
        (b"DESCRIBE-SCREEN\n", b"unknown-action\n"),
        (b" describe-screen\n", b"unknown-action\n"),
        (b"\n", b"unknown-action\n"),
        (b"describe-screen", b""),  # no line end
        (b"x" * 65 + b"\n", b""),
        (b"describe-screen" * 100, b""),
        (b"\xff\xfe describe-screen\n", b""),
        (b"", b""),
    ],
    ids=["unknown", "upper-case", "leading-space", "empty-line", "no-line-end", "65-bytes", "flood",
         "not-utf8", "nothing"],
)
def test_bad_requests_never_reach_the_handler_and_the_server_keeps_serving(server, received, folder, payload,
                                                                           answer):
    assert raw_request(server.address, payload) == answer
    send_action(Action.STOP_SPEAKING, folder=folder)
    assert received.next() is Action.STOP_SPEAKING
    assert received.is_empty()


def test_only_a_short_repr_of_a_bad_request_is_logged(server, folder, caplog):
    secret = "x" * 40 + "tail-that-must-not-be-logged"
    with caplog.at_level(logging.WARNING):
        assert raw_request(server.address, secret.encode() + b"\n") == b""
        send_action(Action.REPEAT_LAST, folder=folder)  # the bad request has been handled by now
    assert "bytes" in caplog.text and "tail-that-must-not-be-logged" not in caplog.text


def test_a_silent_client_does_not_hold_up_the_others(folder, received):
    with InstanceServer(received, folder=folder, connection_timeout=60) as server:
        silent = [socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) for _ in range(3)]
        for sock in silent:
            sock.connect(server.address)
        send_action(Action.DESCRIBE_WINDOW, folder=folder, timeout=5)  # far less than the 60 s they may wait
        assert received.next() is Action.DESCRIBE_WINDOW
        for sock in silent:
            sock.close()


def test_a_silent_client_is_closed_after_the_connection_timeout(folder, received):
    with InstanceServer(received, folder=folder, connection_timeout=0.2) as server:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as silent:
            silent.settimeout(10)
            silent.connect(server.address)
            assert silent.recv(16) == b""  # closed by the server, not by our 10 s timeout


def test_a_flood_of_silent_clients_cannot_lock_the_server_out(folder, received):
    with InstanceServer(received, folder=folder, connection_timeout=60) as server:
        silent = [socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                  for _ in range(instance_unix.MAX_PENDING_CONNECTIONS + 5)]
        for sock in silent:
            sock.connect(server.address)
        send_action(Action.TOGGLE_WINDOW, folder=folder, timeout=5)
        assert received.next() is Action.TOGGLE_WINDOW
        for sock in silent:
            sock.close()


def test_a_failing_handler_is_reported_and_the_server_keeps_serving(folder, caplog):
    taken = []

    def handler(name: str) -> bool:
        if name == Action.ASK_FOLLOW_UP.value:
            raise RuntimeError("queue is full")
        taken.append(Action(name))
        return True

    with InstanceServer(handler, folder=folder) as server, caplog.at_level(logging.ERROR):
        with pytest.raises(InstanceError, match="could not take the action ask-follow-up"):
            send_action(Action.ASK_FOLLOW_UP, folder=folder)
        send_action(Action.REPEAT_LAST, folder=folder)
        assert server.is_running
    assert taken == [Action.REPEAT_LAST]
    assert "queue is full" in caplog.text


@pytest.mark.skipif(not hasattr(socket, "SO_PEERCRED"), reason="SO_PEERCRED is Linux-only")
def test_a_peer_of_another_user_is_refused(server, received, folder, monkeypatch):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(server.address)
        assert instance_unix.peer_uid(sock) is not None
    monkeypatch.setattr(instance_unix, "peer_uid", lambda connection: os.getuid() + 1)
    assert raw_request(server.address, b"describe-screen\n") == b""
    monkeypatch.undo()
    send_action(Action.STOP_SPEAKING, folder=folder)
    assert received.next() is Action.STOP_SPEAKING
    assert received.is_empty()


def test_folder_and_socket_are_private(server, folder):
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(server.address).st_mode) == 0o600
    assert stat.S_ISSOCK(os.stat(server.address).st_mode)
    assert stat.S_IMODE(os.stat(folder / "instance.lock").st_mode) == 0o600


def test_the_folder_is_0700_whatever_the_umask(folder, received):
    old = os.umask(0o277)
    try:
        with InstanceServer(received, folder=folder):
            assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    finally:
        os.umask(old)


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o722])
def test_a_folder_others_can_write_is_refused(folder, received, mode):
    folder.mkdir()
    os.chmod(folder, mode)
    with pytest.raises(InstanceError, match=f"chmod 700 {folder}"):
        InstanceServer(received, folder=folder).start()
    with pytest.raises(InstanceError, match="Other users can change"):
        send_action(Action.DESCRIBE_SCREEN, folder=folder)


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_folder_of_another_user_is_refused(folder, received):
    folder.mkdir(mode=0o700)
    os.chown(folder, 65534, 65534)
    with pytest.raises(InstanceError, match="belongs to another user"):
        claim_instance(received, folder=folder)


def test_a_link_or_a_file_in_place_of_the_folder_is_refused(tmp_path, received):
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "file").write_text("")
    for name in ("link", "file"):
        with pytest.raises(InstanceError, match="not a folder"):
            claim_instance(received, folder=tmp_path / name)


def test_a_stale_socket_is_replaced(folder, received):
    make_stale_socket(folder / "instance.sock")
    with pytest.raises(InstanceNotRunningError):
        send_action(Action.DESCRIBE_SCREEN, folder=folder)
    server = claim_instance(received, folder=folder)
    assert server is not None
    try:
        send_action(Action.DESCRIBE_SCREEN, folder=folder)
        assert received.next() is Action.DESCRIBE_SCREEN
    finally:
        server.stop()


def test_a_live_instance_is_never_replaced(server, received, folder):
    assert claim_instance(Received(), folder=folder) is None
    with pytest.raises(InstanceRunningError):
        InstanceServer(Received(), folder=folder).start()
    send_action(Action.REPEAT_LAST, folder=folder)
    assert received.next() is Action.REPEAT_LAST


def test_concurrent_claims_in_threads_end_with_exactly_one_server(folder):
    make_stale_socket(folder / "instance.sock")
    gate = threading.Barrier(8)
    servers: list[InstanceServer | None] = []
    receivers = [Received() for _ in range(8)]

    def claim(receiver: Received) -> None:
        gate.wait()
        servers.append(claim_instance(receiver, folder=folder))

    threads = [threading.Thread(target=claim, args=(receiver,)) for receiver in receivers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [server for server in servers if server is not None]
    assert len(servers) == 8 and len(winners) == 1
    try:
        send_action(Action.DESCRIBE_REGION, folder=folder)
        assert sum(not receiver.is_empty() for receiver in receivers) == 1
    finally:
        winners[0].stop()


CLAIMANT = textwrap.dedent("""
    import sys
    from inkscope_desktop.instance import claim_instance
    server = claim_instance(lambda name: True, folder=sys.argv[1])
    print("server" if server else "running", flush=True)
    sys.stdin.read()  # hold on until the test closes standard input
    if server:
        server.stop()
""")


def test_concurrent_launches_in_processes_end_with_exactly_one_server(folder):
    make_stale_socket(folder / "instance.sock")
    launches = [subprocess.Popen([sys.executable, "-c", CLAIMANT, str(folder)], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True) for _ in range(4)]
    try:
        answers = sorted(launch.stdout.readline().strip() for launch in launches)
        assert answers == ["running", "running", "running", "server"]
    finally:
        for launch in launches:
            launch.communicate(timeout=30)
    assert not (folder / "instance.sock").exists()


def test_stop_removes_the_socket_and_joins_the_thread(folder, received):
    server = claim_instance(received, folder=folder)
    assert server is not None and server.is_running
    server.stop()
    assert not server.is_running
    assert not os.path.lexists(folder / "instance.sock")
    with pytest.raises(InstanceNotRunningError, match="Start it with: inkscope-desktop"):
        send_action(Action.DESCRIBE_SCREEN, folder=folder)
    server.stop()  # a second stop does nothing


def test_stop_leaves_a_newer_instance_alone(folder, received):
    old = claim_instance(Received(), folder=folder)
    assert old is not None
    os.unlink(old.address)  # as if a newer instance had found it unreachable and taken its place
    newer = claim_instance(received, folder=folder)
    assert newer is not None
    old.stop()
    try:
        send_action(Action.DESCRIBE_SCREEN, folder=folder)
        assert received.next() is Action.DESCRIBE_SCREEN
    finally:
        newer.stop()


def test_a_server_can_start_again_after_stop(folder, received):
    server = InstanceServer(received, folder=folder)
    server.start()
    with pytest.raises(RuntimeError):
        server.start()
    server.stop()
    server.start()
    try:
        send_action(Action.DESCRIBE_SCREEN, folder=folder)
        assert received.next() is Action.DESCRIBE_SCREEN
    finally:
        server.stop()


def test_nothing_running_is_reported_without_making_the_folder(folder):
    with pytest.raises(InstanceNotRunningError) as caught:
        send_action(Action.DESCRIBE_SCREEN, folder=folder)
    assert caught.value.user_text == "Inkscope Desktop is not running. Start it with: inkscope-desktop"
    assert not folder.exists()


def test_an_instance_that_does_not_answer_is_a_clear_error(folder):
    folder.mkdir(mode=0o700)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as mute:
        mute.bind(str(folder / "instance.sock"))
        mute.listen(1)
        with pytest.raises(InstanceError, match="did not answer within 0.2 s"):
            send_action(Action.DESCRIBE_SCREEN, folder=folder, timeout=0.2)


def test_the_endpoint_folder_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(RUNTIME_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert endpoint_folder() == tmp_path / "inkscope-desktop"
    monkeypatch.setenv(RUNTIME_DIR_ENV, str(tmp_path / "mine"))
    assert endpoint_folder() == tmp_path / "mine"
    assert endpoint_folder(tmp_path / "given") == tmp_path / "given"
    monkeypatch.delenv(RUNTIME_DIR_ENV)
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    assert endpoint_folder() == tmp_path / "tmp" / f"inkscope-desktop-{os.getuid()}"


def test_a_socket_path_too_long_for_the_system_is_a_clear_error(tmp_path, received):
    deep = tmp_path / ("d" * 100)
    with pytest.raises(InstanceError, match=f"too long.*{RUNTIME_DIR_ENV}"):
        claim_instance(received, folder=deep)
