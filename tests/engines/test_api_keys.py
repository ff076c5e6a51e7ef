"""API keys in a real system keyring (GNOME Keyring on a private D-Bus session), and with no keyring at all."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from inkscope_desktop.engines.remote.api_keys import SERVICE, ApiKeyError, ApiKeyStore, keyring_user, read_api_key
from inkscope_desktop.engines.remote.engine import RemoteEngine
from fake_chat_server import FakeChatServer, Reply

URL = "http://127.0.0.1:8000/v1"


def secret_tool_lookup(url: str) -> str:
    """The stored secret as libsecret's own command line reads it: proof it is in the real keyring."""
    found = subprocess.run(["secret-tool", "lookup", "service", SERVICE, "username", keyring_user(url)],
                           capture_output=True, text=True, timeout=10)
    return found.stdout


def test_a_saved_key_is_read_back_and_forgotten(system_keyring):
    keys = ApiKeyStore()
    assert keys.is_available() and keys.read(URL) == ""
    keys.save(URL, "  sk-live-123\n")
    assert keys.read(URL) == "sk-live-123"
    if shutil.which("secret-tool"):
        assert secret_tool_lookup(URL) == "sk-live-123"
    assert keys.forget(URL) is True
    assert keys.read(URL) == "" and keys.forget(URL) is False


def test_each_server_has_its_own_key(system_keyring):
    keys = ApiKeyStore()
    keys.save("https://gpu.example.org/v1", "sk-one")
    assert keys.read("https://GPU.example.org/v1/") == "sk-one"  # the same server, written differently
    assert keys.read("https://other.example.org/v1") == ""
    assert keys.read("http://gpu.example.org/v1") == ""  # not sent over plain http to the same host


def test_keyring_user_normalises_scheme_host_and_trailing_slash():
    assert keyring_user(" HTTP://Host:8000/v1/ ") == "http://host:8000/v1"
    assert keyring_user("https://h") == "https://h"


@pytest.mark.parametrize(("key", "words"), [("", "empty"), ("   ", "empty"), ("sk one", "spaces")])
def test_a_bad_key_is_refused_in_one_line(system_keyring, key, words):
    with pytest.raises(ApiKeyError, match=words) as caught:
        ApiKeyStore().save(URL, key)
    assert "\n" not in caught.value.user_text


def test_without_a_keyring_saving_says_which_variable_to_use(no_keyring):
    keys = ApiKeyStore(env_var="MY_SERVER_KEY")
    assert not keys.is_available() and keys.read(URL) == ""
    with pytest.raises(ApiKeyError) as caught:
        keys.save(URL, "sk-x")
    assert caught.value.user_text == ("No system keyring found: set the key in an environment variable named "
                                      "MY_SERVER_KEY instead.")
    with pytest.raises(ApiKeyError, match="No system keyring found"):
        keys.forget(URL)


def test_the_environment_variable_wins_over_the_keyring(system_keyring, monkeypatch):
    ApiKeyStore().save(URL, "sk-from-keyring")
    monkeypatch.setenv("INKSCOPE_API_KEY", "sk-from-env")
    assert read_api_key("INKSCOPE_API_KEY", URL, use_keyring=True) == "sk-from-env"
    monkeypatch.delenv("INKSCOPE_API_KEY")
    assert read_api_key("INKSCOPE_API_KEY", URL, use_keyring=True) == "sk-from-keyring"
    assert read_api_key("INKSCOPE_API_KEY", URL, use_keyring=False) == ""


def test_the_engine_sends_the_keyring_key_and_keeps_none_of_it(system_keyring, monkeypatch, noise_image):
    from inkscope_desktop.core.types import CaptionRequest

    monkeypatch.delenv("INKSCOPE_API_KEY", raising=False)
    request = CaptionRequest(image=noise_image, prompt="?")
    with FakeChatServer([Reply(pieces=["Keyed."])]) as server:
        ApiKeyStore().save(server.url, "sk-kept-safe")
        engine = RemoteEngine(server.url, "m", use_keyring=True, timeout_s=5.0)
        assert engine.describe(request).text == "Keyed."
        RemoteEngine(server.url, "m", use_keyring=False, timeout_s=5.0).describe(request)
    assert server.headers[0]["Authorization"] == "Bearer sk-kept-safe"
    assert "Authorization" not in server.headers[1]
    assert "sk-kept-safe" not in repr(vars(engine)) + repr(engine._settings())


def test_a_locked_or_broken_keyring_reads_as_no_key(monkeypatch, caplog):
    from keyring.backend import KeyringBackend
    from keyring.errors import KeyringLocked

    class LockedKeyring(KeyringBackend):
        priority = 1

        def get_password(self, service, username):
            raise KeyringLocked("the keyring is locked")

        def set_password(self, service, username, password):
            raise KeyringLocked("the keyring is locked")

        def delete_password(self, service, username):
            raise KeyringLocked("the keyring is locked")

    keys = ApiKeyStore(LockedKeyring())
    assert keys.read(URL) == "" and "locked" in caplog.text
    with pytest.raises(ApiKeyError, match=r"did not save the key \(KeyringLocked: the keyring is locked\)"):
        keys.save(URL, "sk-x")
    with pytest.raises(ApiKeyError, match="did not remove the key"):
        keys.forget(URL)


def test_keyring_is_imported_only_when_a_key_is_used():
    code = ("import sys\n"
            "import inkscope_desktop.engines.remote.api_keys, inkscope_desktop.engines.remote.engine, inkscope_desktop.cli\n"
            "import inkscope_desktop.commands.api_key, inkscope_desktop.commands.config\n"
            "print('keyring' in sys.modules, 'secretstorage' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False False"


def test_the_private_keyring_session_cleans_up_after_itself():
    from inkscope_desktop.testing.secret_service import SecretServiceSession

    if SecretServiceSession.missing():
        pytest.skip(f"no real keyring to test with: {SecretServiceSession.missing()}")
    with SecretServiceSession() as session:
        processes, home = list(session._processes), session._home
        assert session.bus_address.startswith("unix:path=") and home.is_dir()
        assert [process.poll() for process in processes] == [None, None]
    assert all(process.poll() is not None for process in processes) and not home.exists()
