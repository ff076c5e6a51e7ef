"""``inkscope-desktop trigger`` end to end: a real subprocess talking to a server in the test process."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from inkscope_desktop.core.actions import Action
from inkscope_desktop.instance import RUNTIME_DIR_ENV, InstanceServer

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the Unix-socket transport")

NOT_RUNNING = "inkscope-desktop: Inkscope Desktop is not running. Start it with: inkscope-desktop"


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "inkscope_desktop", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "rt"


@pytest.fixture
def env(folder: Path) -> dict[str, str]:
    return {RUNTIME_DIR_ENV: str(folder)}


@pytest.fixture
def received(folder: Path):
    actions: queue.Queue[Action] = queue.Queue()

    def take(name: str) -> bool:  # as the app's action registry: known names are taken
        actions.put(Action(name))
        return True

    with InstanceServer(take, folder=folder):
        yield actions


def test_trigger_hands_the_action_to_the_running_app(received, env):
    result = run_cli("trigger", "describe-screen", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert received.get(timeout=5) is Action.DESCRIBE_SCREEN
    assert received.empty()


def test_with_no_app_running_it_says_so_on_one_line_and_exits_1(env, folder):
    result = run_cli("trigger", "describe-screen", env=env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [NOT_RUNNING]
    assert not folder.exists()


def test_an_unknown_action_is_a_usage_error_and_sends_nothing(received, env):
    result = run_cli("trigger", "format-disk", env=env)
    assert result.returncode == 2
    assert "invalid choice: 'format-disk'" in result.stderr and "describe-screen" in result.stderr
    run_cli("trigger", "stop-speaking", env=env)
    assert received.get(timeout=5) is Action.STOP_SPEAKING  # the first thing that arrived
    assert received.empty()


def test_a_refusal_by_the_running_app_is_one_error_line_and_exit_2(folder, env):
    """An older app that does not know the action answers unknown-action."""
    folder.mkdir(mode=0o700)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as older_app:
        older_app.bind(str(folder / "instance.sock"))
        older_app.listen(1)

        def refuse() -> None:
            connection, _ = older_app.accept()
            with connection:
                connection.recv(64)
                connection.sendall(b"unknown-action\n")

        thread = threading.Thread(target=refuse, daemon=True)
        thread.start()
        result = run_cli("trigger", "describe-clipboard", env=env)
        thread.join(5)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("inkscope-desktop: error: ") and "does not know the action describe-clipboard" in line


def test_an_unsafe_folder_is_one_error_line_and_exit_2(folder, env):
    folder.mkdir()
    os.chmod(folder, 0o777)
    result = run_cli("trigger", "describe-screen", env=env)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "Other users can change" in line and "chmod 700" in line


def test_help_lists_every_action_with_its_label():
    out = run_cli("trigger", "--help").stdout
    for action in Action:
        assert action.value in out and action.label in out


def test_trigger_imports_no_heavy_library(received, env):
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "inkscope_desktop", "trigger", "repeat-last"],
                            capture_output=True, text=True, timeout=60, env={**os.environ, **env})
    assert result.returncode == 0, result.stderr
    for heavy in ("torch", "transformers", "PIL", "numpy", "huggingface_hub", "PySide6"):
        assert f"| {heavy}\n" not in result.stderr and f"| {heavy}." not in result.stderr, heavy
    assert received.get(timeout=5) is Action.REPEAT_LAST
