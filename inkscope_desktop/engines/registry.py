"""Picks an engine by name; the fake engine stands in where no model is wanted."""

from __future__ import annotations

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.engines.base import CaptionEngine

ENGINE_NAMES = ("qwen2-vl", "fake")


def create_engine(
    name: str = "qwen2-vl",
    *,
    model: str | None = None,
    device: str = "auto",
    dtype: str = "auto",
    offline: bool | None = None,
) -> CaptionEngine:
    """A new, not yet loaded engine of kind ``name``."""
    if name == "fake":
        from inkscope_desktop.engines.fake import FakeEngine

        return FakeEngine()
    if name == "qwen2-vl":
        from inkscope_desktop.engines.model_source import DEFAULT_MODEL_ID
        from inkscope_desktop.engines.qwen2vl import Qwen2VLEngine

        return Qwen2VLEngine(model or DEFAULT_MODEL_ID, device=device, dtype=dtype, offline=offline)
    raise InkscopeError(f"Unknown engine {name!r}.", f"Choose one of: {', '.join(ENGINE_NAMES)}.")
