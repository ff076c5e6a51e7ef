"""This run's command-line overrides of the settings: an immutable value, read once at start."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from inkscope_desktop.core.types import Detail


@dataclass(frozen=True)
class Overrides:
    """What the app's options (``--model``, ``--device``, ``--preset``, ``--detail``, ``--fake-engine``) say for
    this run; None where the settings decide. Nobody changes it: a part that stops honouring an override (the
    engine, once the settings choose another model) keeps a changed copy of its own (``without_model()``).

    ``max_new_tokens`` is not an option: test probes and benchmarks set it for short answers.
    """

    model: str | None = None
    device: str | None = None
    preset: str | None = None
    detail: Detail | None = None
    is_fake_engine: bool = False
    max_new_tokens: int | None = None

    @classmethod
    def from_args(cls, args: Any) -> Overrides:
        """The overrides in a parsed command line (an ``argparse.Namespace`` from ``cli.build_parser``)."""
        detail = getattr(args, "detail", None)
        return cls(model=getattr(args, "model", None) or None, device=getattr(args, "device", None) or None,
                   preset=getattr(args, "preset", None) or None, detail=Detail(detail) if detail else None,
                   is_fake_engine=bool(getattr(args, "fake_engine", False)))

    def without_model(self) -> Overrides:
        """A copy in which the settings choose the model and device."""
        return replace(self, model=None, device=None)
