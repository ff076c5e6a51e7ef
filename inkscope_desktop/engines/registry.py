"""Picks an engine by name; the fake engine stands in where no model is wanted."""

from __future__ import annotations

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.engines.base import CaptionEngine

ENGINE_NAMES = ("qwen2-vl", "fake", "remote")


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
) -> CaptionEngine:
    """A new, not yet loaded engine of kind ``name``.

    ``remote`` needs ``base_url`` and ``model`` (the server's name for it); ``api_key_env`` names the
    environment variable holding its API key, ``use_keyring`` lets the system keyring's key for ``base_url``
    stand in when that variable is unset, and ``timeout`` is in seconds. The local engine ignores them.
    """
    if name == "fake":
        from inkscope_desktop.engines.fake import FakeEngine

        return FakeEngine()
    if name == "qwen2-vl":
        from inkscope_desktop.core.vocabulary import DEFAULT_MODEL_ID
        from inkscope_desktop.engines.local.qwen2vl import Qwen2VLEngine

        return Qwen2VLEngine(model or DEFAULT_MODEL_ID, device=device, dtype=dtype, offline=offline)
    if name == "remote":
        from inkscope_desktop.core.vocabulary import DEFAULT_API_KEY_ENV
        from inkscope_desktop.engines.remote.engine import DEFAULT_TIMEOUT_S, RemoteEngine

        if not base_url or not model:
            raise InkscopeError("The remote engine needs the server's URL and the model's name.",
                                "Give both, e.g. --base-url http://127.0.0.1:8000/v1 --remote-model NAME.")
        return RemoteEngine(base_url, model, api_key_env=api_key_env or DEFAULT_API_KEY_ENV,
                            use_keyring=use_keyring,
                            timeout_s=timeout if timeout is not None else DEFAULT_TIMEOUT_S)
    raise InkscopeError(f"Unknown engine {name!r}.", f"Choose one of: {', '.join(ENGINE_NAMES)}.")
