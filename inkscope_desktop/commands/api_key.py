"""``config set-api-key`` / ``config forget-api-key``: the remote server's API key in the system keyring.

The key is read from standard input (a pipe: its first line) or asked for without echo (a terminal), never
taken from the command line, where other users could see it in the process list. When the server is the one
in the settings, the settings remember that a key was saved (never the key itself).
"""

from __future__ import annotations

import getpass
import sys
from dataclasses import replace

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.engines.remote.api_keys import ApiKeyError, ApiKeyStore, keyring_user
from inkscope_desktop.settings.store import SettingsStore


def set_api_key(store: SettingsStore, base_url: str | None, keys: ApiKeyStore | None = None) -> int:
    remote = store.read().settings.remote  # read only: a broken file is left as it is
    url = _server(remote.base_url, base_url)
    keys = keys or ApiKeyStore(env_var=remote.api_key_env or None)
    if not keys.is_available():
        raise keys.no_keyring_error()
    keys.save(url, _read_key(url))
    print(f"The API key for {url} is saved in the system keyring.")
    _remember(store, url, is_saved=True)
    return 0


def forget_api_key(store: SettingsStore, base_url: str | None, keys: ApiKeyStore | None = None) -> int:
    remote = store.read().settings.remote
    url = _server(remote.base_url, base_url)
    keys = keys or ApiKeyStore(env_var=remote.api_key_env or None)
    if keys.forget(url):
        print(f"The API key for {url} was removed from the system keyring.")
    else:
        print(f"No API key for {url} was saved in the system keyring.")
    _remember(store, url, is_saved=False)
    return 0


def _server(settings_url: str, base_url: str | None) -> str:
    url = (base_url or settings_url).strip()
    if not url:
        raise ApiKeyError("No server address is set, and a key is saved for one server.",
                          "Give it: --base-url http://HOST:PORT/v1, or fill in the server address in the settings.")
    if not url.lower().startswith(("http://", "https://")):
        raise ApiKeyError(f"The server address {url!r} is not an http:// or https:// address.",
                          "Write it like --base-url http://127.0.0.1:8000/v1.")
    return url


def _read_key(url: str) -> str:
    if sys.stdin is None:
        raise ApiKeyError("There is no standard input to read the key from.", "Pipe the key in: … | inkscope-desktop "
                          "config set-api-key")
    if sys.stdin.isatty():
        return getpass.getpass(f"API key for {url} (not shown): ")
    return sys.stdin.readline().strip()


def _remember(store: SettingsStore, url: str, *, is_saved: bool) -> None:
    """Mark in the settings whether the settings' own server has a key in the keyring; a broken file is left."""
    result = store.read()
    remote = result.settings.remote
    if result.state not in ("ok", "missing") or not remote.base_url:
        return
    if keyring_user(remote.base_url) != keyring_user(url) or remote.api_key_in_keyring == is_saved:
        return
    try:
        store.save(replace(result.settings, remote=replace(remote, api_key_in_keyring=is_saved)))
    except InkscopeError as error:
        print(f"inkscope-desktop: the settings were not updated ({error.user_text})", file=sys.stderr)
