"""first_available: the one helper that picks a back-end from a priority list, ending with the null member."""

from __future__ import annotations

import logging

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.core.plugins import first_available


class Member:
    def __init__(self, name: str, problem: InkscopeError | None = None, *, is_loud: bool = True) -> None:
        self.name, self.problem, self.is_loud = name, problem, is_loud

    def availability_problem(self) -> InkscopeError | None:
        return self.problem


class Null(Member):
    def __init__(self, reason: InkscopeError | None) -> None:
        super().__init__("null")
        self.reason = reason


def test_the_first_available_member_wins_and_later_ones_are_not_asked(caplog):
    asked = []

    def later() -> Member:
        asked.append("later")
        return Member("later")

    with caplog.at_level(logging.INFO):
        chosen = first_available([Member("a", InkscopeError("A is missing.", "Install A.")), Member("b"), later],
                                 Null, kind="thing")
    assert chosen.name == "b" and asked == []
    assert "Thing a not used: A is missing. Install A." in caplog.text and "Thing: b" in caplog.text


def test_with_none_available_the_null_member_carries_the_first_reason_worth_telling(caplog):
    quiet = Member("quiet", InkscopeError("Quiet is off.", ""), is_loud=False)
    loud = Member("loud", InkscopeError("No audio device was found.", "Connect speakers."))
    with caplog.at_level(logging.INFO):
        chosen = first_available([quiet, loud], Null, kind="speech route", keeps_reason=lambda m: m.is_loud)
    assert isinstance(chosen, Null) and chosen.reason.message == "No audio device was found."
    assert "Speech route loud not used: No audio device was found. Connect speakers." in caplog.text
    assert first_available([], Null, kind="thing").reason is None


def test_a_member_that_breaks_while_built_or_asked_is_skipped_with_its_error_as_the_reason():
    class Broken(Member):
        def availability_problem(self):
            raise RuntimeError("driver crashed")

    def cannot_build() -> Member:
        raise InkscopeError("The library is not installed.", "Install it.")

    chosen = first_available([cannot_build, Broken("broken"), Member("works")], Null, kind="thing")
    assert chosen.name == "works"
    null = first_available([Broken("broken"), cannot_build], Null, kind="thing")
    assert null.reason.message == "A thing failed to start (driver crashed)."


def test_classes_are_built_as_factories():
    class Available(Member):
        def __init__(self) -> None:
            super().__init__("made")

    assert first_available([Available], Null, kind="thing").name == "made"
