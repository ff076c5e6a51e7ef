"""The engines, as data: their names (the CLI's --engine choices), what each is, and how to make one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.plugins import first_available
from inkscope_desktop.engines.base import CaptionEngine

log = logging.getLogger(__name__)


def _qwen2vl(options: dict[str, Any]) -> CaptionEngine:
    from inkscope_desktop.core.vocabulary import DEFAULT_MODEL_ID
    from inkscope_desktop.engines.local.qwen2vl import Qwen2VLEngine

    return Qwen2VLEngine(options.get("model") or DEFAULT_MODEL_ID, device=options.get("device") or "auto",
                         dtype=options.get("dtype") or "auto", offline=options.get("offline"))


def _fake(_options: dict[str, Any]) -> CaptionEngine:
    from inkscope_desktop.engines.fake import FakeEngine

    return FakeEngine()


def _remote(options: dict[str, Any]) -> CaptionEngine:
    from inkscope_desktop.core.vocabulary import DEFAULT_API_KEY_ENV
    from inkscope_desktop.engines.remote.engine import DEFAULT_DEADLINE_S, DEFAULT_TIMEOUT_S, RemoteEngine

    base_url, model = options.get("base_url"), options.get("model")
    if not base_url or not model:
        raise InkscopeError("The remote engine needs the server's URL and the model's name.",
                            "Give both, e.g. --base-url http://127.0.0.1:8000/v1 --remote-model NAME.")
    timeout, deadline = options.get("timeout"), options.get("deadline")
    return RemoteEngine(base_url, model, api_key_env=options.get("api_key_env") or DEFAULT_API_KEY_ENV,
                        use_keyring=bool(options.get("use_keyring")),
                        timeout_s=timeout if timeout is not None else DEFAULT_TIMEOUT_S,
                        deadline_s=deadline if deadline is not None else DEFAULT_DEADLINE_S)


@dataclass(frozen=True)
class EngineEntry:
    """One engine: its stable name, a line for ``--help``, and a factory taking the options (not loading)."""

    name: str
    summary: str
    make: Callable[[dict[str, Any]], CaptionEngine]


#: Every engine, the default first.
ENGINES: tuple[EngineEntry, ...] = (
    EngineEntry("qwen2-vl", "the local Qwen2-VL model through transformers", _qwen2vl),
    EngineEntry("fake", "a scripted caption without a model, for demos and tests", _fake),
    EngineEntry("remote", "an OpenAI-compatible server (vLLM, SGLang, llama.cpp, Ollama)", _remote),
)


def engine_names() -> tuple[str, ...]:
    return tuple(entry.name for entry in ENGINES)


def create_engine(
    name: str = "qwen2-vl",
    *,
    model: str | None = None,
    device: str = "auto",
    dtype: str = "auto",
    offline: bool | None = None,
    base_url: str | None = None,
    api_key_env: str | None = None,
    use_keyring: bool = False,
    timeout: float | None = None,
    deadline: float | None = None,
) -> CaptionEngine:
    """A new, not yet loaded engine of kind ``name``; where it cannot run here (its libraries are missing), the
    null ``UnavailableEngine`` with the reason, which fails the load in one line.

    ``remote`` needs ``base_url`` and ``model`` (the server's name for it); ``api_key_env`` names the
    environment variable holding its API key, ``use_keyring`` lets the system keyring's key for ``base_url``
    stand in when that variable is unset; ``timeout`` (each wait) and ``deadline`` (the whole request) are in
    seconds. The local engine ignores them.
    """
    entry = next((entry for entry in ENGINES if entry.name == name), None)
    if entry is None:
        raise InkscopeError(f"Unknown engine {name!r}.", f"Choose one of: {', '.join(engine_names())}.")
    options = {"model": model, "device": device, "dtype": dtype, "offline": offline, "base_url": base_url,
               "api_key_env": api_key_env, "use_keyring": use_keyring, "timeout": timeout,
               "deadline": deadline}
    from inkscope_desktop.engines.unavailable import UnavailableEngine

    def null(reason: InkscopeError | None) -> CaptionEngine:
        return UnavailableEngine(reason or InkscopeError(f"The {name} engine cannot run here.", "See the log."))

    engine = entry.make(options)  # a wrong option (a remote engine without a URL) is an error at once
    return first_available([engine], null, kind="engine")
