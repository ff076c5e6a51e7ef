"""``config set-api-key|forget-api-key`` and ``describe --engine remote`` with the key in a real keyring."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from inkscope_desktop.engines.remote.api_keys import ApiKeyStore
from test_describe_remote import FakeChatServer, Reply, noise

URL = "https://gpu.example.org/v1"


def run_cli(*args: str, config: Path, stdin: str = "", env: dict[str, str] | None = None):
    environment = {name: value for name, value in os.environ.items() if name != "INKSCOPE_API_KEY"}
    environment.update({"INKSCOPE_CONFIG_DIR": str(config), **(env or {})})
    return subprocess.run([sys.executable, "-m", "inkscope_desktop", *args], input=stdin, capture_output=True,
                          text=True, timeout=60, env=environment)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return tmp_path / "config"


def write_settings(config: Path, **remote) -> Path:
    config.mkdir(parents=True, exist_ok=True)
    path = config / "settings.json"
    path.write_text(json.dumps({"remote": {"base_url": URL, "model": "m", **remote}}))
    return path


def test_set_api_key_reads_stdin_saves_in_the_keyring_and_never_in_the_settings(system_keyring, config):
    settings = write_settings(config)
    result = run_cli("config", "set-api-key", config=config, stdin="sk-very-secret-42\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"The API key for {URL} is saved in the system keyring.\n"
    assert ApiKeyStore().read(URL) == "sk-very-secret-42"
    text = settings.read_text()
    assert json.loads(text)["remote"]["api_key_in_keyring"] is True
    assert "sk-very-secret-42" not in text and "sk-very-secret-42" not in result.stdout + result.stderr

    result = run_cli("config", "forget-api-key", config=config)
    assert result.returncode == 0 and result.stdout == f"The API key for {URL} was removed from the system keyring.\n"
    assert ApiKeyStore().read(URL) == "" and json.loads(settings.read_text())["remote"]["api_key_in_keyring"] is False
    result = run_cli("config", "forget-api-key", config=config)
    assert result.stdout == f"No API key for {URL} was saved in the system keyring.\n"


def test_a_key_for_another_server_leaves_the_settings_alone(system_keyring, config):
    settings = write_settings(config)
    before = settings.read_text()
    result = run_cli("config", "set-api-key", "--base-url", "http://127.0.0.1:9/v1", config=config, stdin="sk-2\n")
    assert result.returncode == 0 and ApiKeyStore().read("http://127.0.0.1:9/v1") == "sk-2"
    assert settings.read_text() == before and ApiKeyStore().read(URL) == ""


def test_no_keyring_is_one_line_naming_the_variable(no_keyring, config):
    write_settings(config, api_key_env="GPU_KEY")
    result = run_cli("config", "set-api-key", config=config, stdin="sk-x\n")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == ("inkscope-desktop: error: No system keyring found: set the key in an environment "
                             "variable named GPU_KEY instead.\n")


@pytest.mark.parametrize(("args", "stdin", "words"), [
    ((), "sk-x\n", "No server address is set"),
    (("--base-url", "ftp://h"), "sk-x\n", "not an http:// or https:// address"),
    (("--base-url", URL), "\n", "The API key is empty"),
])
def test_bad_input_is_one_line_with_advice(system_keyring, config, args, stdin, words):
    result = run_cli("config", "set-api-key", *args, config=config, stdin=stdin)
    assert result.returncode == 2 and words in result.stderr and result.stderr.count("\n") == 1


def test_describe_sends_the_keyring_key_when_no_variable_is_given(system_keyring, config, tmp_path):
    image = tmp_path / "shot.png"
    noise(56, 56, seed=1).save(image)
    with FakeChatServer([Reply(pieces=["Keyed."])]) as server:
        ApiKeyStore().save(server.url, "sk-from-keyring")
        common = ("describe", str(image), "--engine", "remote", "--base-url", server.url, "--remote-model", "m")
        from_keyring = run_cli(*common, config=config)
        from_env = run_cli(*common, config=config, env={"INKSCOPE_API_KEY": "sk-env"})
        named = run_cli(*common, "--api-key-env", "UNSET_VARIABLE", config=config)
    assert [r.returncode for r in (from_keyring, from_env, named)] == [0, 0, 0], from_keyring.stderr
    assert from_keyring.stdout.strip() == "Keyed."
    assert [h.get("Authorization") for h in server.headers] == ["Bearer sk-from-keyring", "Bearer sk-env", None]


def test_describe_without_a_keyring_sends_no_key_and_works(no_keyring, config, tmp_path):
    image = tmp_path / "shot.png"
    noise(56, 56, seed=1).save(image)
    with FakeChatServer([Reply(pieces=["Open."])]) as server:
        result = run_cli("describe", str(image), "--engine", "remote", "--base-url", server.url, "--remote-model",
                         "m", config=config)
    assert result.returncode == 0 and result.stdout.strip() == "Open." and result.stderr == ""
    assert "Authorization" not in server.headers[0]


def test_model_check_remote_uses_the_settings_and_the_saved_key(system_keyring, config):
    with FakeChatServer(models=["inkscope-2b"]) as server:
        config.mkdir()
        (config / "settings.json").write_text(json.dumps({"remote": {"base_url": server.url, "model": "inkscope-2b"}}))
        ApiKeyStore().save(server.url, "sk-check")
        served = run_cli("model", "check-remote", config=config)
        other = run_cli("model", "check-remote", "--remote-model", "other", "--api-key-env", "UNSET_VAR",
                        config=config)
    assert served.returncode == 0 and served.stdout == f"The server at {server.url} is up and serves inkscope-2b.\n"
    assert other.returncode == 1 and "does not serve other; it serves: inkscope-2b." in other.stdout
    assert [h.get("Authorization") for h in server.headers] == ["Bearer sk-check", None]


def test_model_check_remote_with_nothing_listening_is_one_line(no_keyring, config):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"  # closed again: nothing listens there
    result = run_cli("model", "check-remote", "--base-url", url, "--remote-model", "m", config=config)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"inkscope-desktop: error: Nothing is listening at {url}/models")
    assert result.stderr.count("\n") == 1
    missing = run_cli("model", "check-remote", config=config)
    assert missing.returncode == 2 and "No server address is set" in missing.stderr


def test_a_broken_settings_file_is_left_alone(system_keyring, config):
    config.mkdir()
    (config / "settings.json").write_text("{broken")
    result = run_cli("config", "set-api-key", "--base-url", URL, config=config, stdin="sk-3\n")
    assert result.returncode == 0 and ApiKeyStore().read(URL) == "sk-3"
    assert (config / "settings.json").read_text() == "{broken" and sorted(p.name for p in config.iterdir()) == [
        "settings.json"]


def test_on_a_terminal_the_key_is_asked_for_without_echo(system_keyring, config):
    import pty
    import select
    import time

    pid, terminal = pty.fork()
    if pid == 0:  # the child: the command with the pseudo-terminal as its standard input and output
        try:
            os.environ["INKSCOPE_CONFIG_DIR"] = str(config)
            os.execv(sys.executable, [sys.executable, "-m", "inkscope_desktop", "config", "set-api-key",
                                      "--base-url", URL])
        finally:
            os._exit(127)  # only if exec failed: never return into pytest in the child
    seen = b""
    deadline = time.monotonic() + 30
    while b"(not shown): " not in seen and time.monotonic() < deadline:
        if select.select([terminal], [], [], 0.5)[0]:
            seen += os.read(terminal, 1024)
    os.write(terminal, b"sk-typed-at-a-terminal\n")
    while time.monotonic() < deadline:
        if select.select([terminal], [], [], 0.5)[0]:
            try:
                chunk = os.read(terminal, 1024)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    _, status = os.waitpid(pid, 0)
    os.close(terminal)
    assert os.waitstatus_to_exitcode(status) == 0, seen
    assert f"API key for {URL} (not shown): ".encode() in seen and b"saved in the system keyring" in seen
    assert b"sk-typed-at-a-terminal" not in seen  # not echoed
    assert ApiKeyStore().read(URL) == "sk-typed-at-a-terminal"
