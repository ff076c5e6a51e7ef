"""The remote server settings group: an OpenAI-compatible server that describes instead of this computer."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from inkscope_desktop.core.vocabulary import DEFAULT_API_KEY_ENV
from inkscope_desktop.settings import checks
from inkscope_desktop.settings.group import Group


def _url_text(value: object) -> str:
    """An http(s) address, or "" for none."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or not value.strip().lower().startswith(("http://", "https://")) or any(
            char.isspace() for char in value.strip()):
        raise checks.fail(f"The server address {value!r} is not an http:// or https:// address.",
                          "Write it like http://127.0.0.1:8000/v1.")
    return value.strip()


@dataclass(frozen=True)
class RemoteSettings(Group):
    """An OpenAI-compatible server that describes instead of this computer (``enabled``): its address, the
    model's name there, the environment variable that holds its API key (never the key itself), a timeout.
    ``api_key_in_keyring`` says a key for ``base_url`` was saved in the system keyring (``engines/remote/api_keys.py``);
    it is used when the environment variable is unset. The key itself is never in the settings.

    ``confirmed_url`` is the address the user agreed to send screenshots to; another address is asked about
    again before anything is sent.
    """

    enabled: bool = False
    base_url: str = ""
    model: str = ""
    api_key_env: str = DEFAULT_API_KEY_ENV
    api_key_in_keyring: bool = False
    timeout_s: int = 60
    deadline_s: int = 600
    confirmed_url: str = ""

    CHECKS = MappingProxyType({
        "enabled": checks.boolean("Use a remote server"),
        "base_url": _url_text,
        "model": lambda value: checks.optional_text("The server's model name", 200)(value) or "",
        "api_key_env": lambda value: checks.optional_text("The API key variable", 100)(value) or "",
        "api_key_in_keyring": checks.boolean("API key saved in the keyring"),
        "timeout_s": checks.integer("The server timeout", 1, 3600, " seconds"),
        "deadline_s": checks.integer("The longest time for one answer", 10, 86400, " seconds"),
        "confirmed_url": _url_text,
    })

    def _check_group(self) -> None:
        if self.enabled and not (self.base_url and self.model):
            raise checks.fail("A remote server needs its address and the model's name there.",
                              "Fill in both, or turn the remote server off.")
