"""API keys for remote servers: read from an environment variable or the OS keyring, stored only in the keyring.

Keys live in the system keyring (GNOME Keyring / KWallet through the Secret Service, macOS Keychain, Windows
Credential Manager) under the service ``inkscope-desktop`` and, as user name, the server's base URL
(``keyring_user``): each server has its own key, so a key is never sent to a server it was not saved for.
The settings file records only the name of the environment variable and whether a key was saved in the keyring.
The ``keyring`` package is imported only when a key is read, saved or forgotten.
"""

from __future__ import annotations

import logging
import os
import urllib.parse
from typing import Any

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.vocabulary import DEFAULT_API_KEY_ENV

log = logging.getLogger(__name__)

#: The keyring service name every key is saved under.
SERVICE = "inkscope-desktop"


class ApiKeyError(InkscopeError):
    """An API key cannot be saved to or removed from the system keyring."""


def keyring_user(base_url: str) -> str:
    """The keyring user name for ``base_url``: scheme and host in lower case, no trailing slash."""
    parts = urllib.parse.urlsplit(base_url.strip())
    path = parts.path.rstrip("/")
    return urllib.parse.urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


class ApiKeyStore:
    """Saves, reads and forgets server API keys in the OS keyring.

    ``backend`` is a ``keyring`` backend object; None means the one ``keyring`` picks for this system (or the
    one ``PYTHON_KEYRING_BACKEND`` names). ``env_var`` is named in the advice when there is no keyring.
    """

    def __init__(self, backend: Any = None, *, env_var: str | None = DEFAULT_API_KEY_ENV) -> None:
        self._backend = backend
        self.env_var = env_var

    def backend(self) -> Any:
        if self._backend is None:
            import keyring

            return keyring.get_keyring()
        return self._backend

    def no_keyring_error(self) -> ApiKeyError:
        """The one-line error for a system without a usable keyring: it names the variable to use instead."""
        return ApiKeyError(f"No system keyring found: set the key in an environment variable named "
                           f"{self.env_var or DEFAULT_API_KEY_ENV} instead.")

    def is_available(self) -> bool:
        """Whether a real keyring is there (not keyring's "fail" or "null" stand-ins, not an empty chain)."""
        try:
            from keyring.backends import chainer, fail, null

            backend = self.backend()
            if isinstance(backend, (fail.Keyring, null.Keyring)):
                return False
            return not (isinstance(backend, chainer.ChainerBackend) and not backend.backends)
        except Exception as error:  # noqa: BLE001 - an unusable keyring is one we cannot use, whatever broke
            log.info("The system keyring cannot be used: %s", error)
            return False

    def read(self, base_url: str) -> str:
        """The key saved for ``base_url``, or "" when none is saved or the keyring cannot be read."""
        if not base_url or not self.is_available():
            return ""
        try:
            return (self.backend().get_password(SERVICE, keyring_user(base_url)) or "").strip()
        except Exception as error:  # noqa: BLE001 - a locked or broken keyring means no key, not a crash
            log.warning("The API key could not be read from the system keyring: %s", error)
            return ""

    def save(self, base_url: str, key: str) -> None:
        """Save ``key`` for ``base_url``; ApiKeyError (one line, with advice) when it cannot be saved."""
        key = key.strip()
        if not key:
            raise ApiKeyError("The API key is empty.", "Type or paste the key the server's operator gave you.")
        if any(char.isspace() for char in key):
            raise ApiKeyError("The API key contains spaces or line breaks.", "Paste the key alone, on one line.")
        if not base_url:
            raise ApiKeyError("A key is saved for one server, and no server address is set.",
                              "Fill in the server address first.")
        if not self.is_available():
            raise self.no_keyring_error()
        try:
            self.backend().set_password(SERVICE, keyring_user(base_url), key)
        except Exception as error:  # noqa: BLE001 - told to the user, with what to do instead
            raise ApiKeyError(f"The system keyring did not save the key ({_reason(error)}).",
                              f"Unlock the keyring and try again, or set the key in an environment variable "
                              f"named {self.env_var or DEFAULT_API_KEY_ENV}.") from None

    def forget(self, base_url: str) -> bool:
        """Remove the key saved for ``base_url``; False when there was none. ApiKeyError if the keyring refuses."""
        if not self.is_available():
            raise self.no_keyring_error()
        from keyring.errors import PasswordDeleteError

        try:
            self.backend().delete_password(SERVICE, keyring_user(base_url))
        except PasswordDeleteError:
            return False
        except Exception as error:  # noqa: BLE001 - told to the user
            raise ApiKeyError(f"The system keyring did not remove the key ({_reason(error)}).",
                              "Unlock the keyring and try again.") from None
        return True


def read_api_key(env_var: str | None, base_url: str, *, use_keyring: bool, store: ApiKeyStore | None = None) -> str:
    """The key to send: the environment variable ``env_var`` when it is set, else (``use_keyring``) the keyring's."""
    key = os.environ.get(env_var, "").strip() if env_var else ""
    if key or not use_keyring:
        return key
    return (store or ApiKeyStore(env_var=env_var)).read(base_url)


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split())[:160]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
