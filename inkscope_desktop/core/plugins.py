"""One plug-in shape: every back-end kind answers "can you run here?" with ``availability_problem()``, and one helper
picks the first member of a priority list that can, ending with a null member that carries the reason.

NVDA's synth list is the model: drivers tried in order with ``check()``, and ``silence`` last. Here the kinds are
engines, speakers, window systems and pixel sources (and the focus and camera back-ends to come).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar, cast

from inkscope_desktop.core.errors import InkscopeError

log = logging.getLogger(__name__)


class Plugin(Protocol):
    """A back-end that can say why it cannot run here (one line with advice), or None when it can."""

    def availability_problem(self) -> InkscopeError | None: ...


P = TypeVar("P", bound=Plugin)

def first_available(candidates: Iterable[P | Callable[[], P]], make_null: Callable[[InkscopeError | None], P], *,
                    kind: str, keeps_reason: Callable[[P], bool] = lambda _member: True) -> P:
    """The first candidate whose ``availability_problem()`` is None, else ``make_null(reason)``.

    A candidate is the back-end itself, or a factory (a class too) that builds it, where building one is
    platform-bound and a factory keeps the others from importing it. Building must be cheap: no connection, no
    model, no thread.

    ``reason`` is the problem of the first candidate for which ``keeps_reason(member)`` is True (the one the user
    should hear about), or None. A candidate that raises while being built or asked is skipped, and its error is
    the reason. ``kind`` names the kind in the log ("speech route", "window system" …).
    """
    reason: InkscopeError | None = None
    for candidate in candidates:
        member: P | None = None
        try:
            is_factory = isinstance(candidate, type) or not hasattr(candidate, "availability_problem")
            member = cast(Callable[[], P], candidate)() if is_factory else cast(P, candidate)
            assert member is not None
            problem = member.availability_problem()
        except Exception as error:
            log.exception("Probing a %s failed", kind)
            problem = error if isinstance(error, InkscopeError) else InkscopeError(
                f"A {kind} failed to start ({error}).", "See the log.")
        name = getattr(member, "name", type(member).__name__) if member is not None else "?"
        if problem is None and member is not None:
            log.info("%s: %s", kind.capitalize(), name)
            return member
        assert problem is not None
        log.info("%s %s not used: %s", kind.capitalize(), name, problem.user_text)
        if reason is None and (member is None or keeps_reason(member)):
            reason = problem
    return make_null(reason)
