"""Screen-reader announcements: QAccessibleAnnouncementEvent, polite or assertive, plus an observable record."""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QApplication

#: How many announcements ``recent`` keeps, newest last.
RECENT_LIMIT = 50


class Announcer(QObject):
    """Speaks short texts through the user's screen reader, even when no Inkscope window has focus.

    ``announce(text)`` sends a ``QAccessibleAnnouncementEvent`` (Qt 6.8+) from ``source`` (a widget,
    or the application object when none is given). Polite announcements wait for the screen reader to
    finish what it is saying; assertive ones (errors) interrupt it.

    With no assistive technology running, ``QAccessible.isActive()`` is False and Qt's
    ``updateAccessibility`` returns at once without touching the platform (qaccessible.cpp checks
    ``isActive()`` first), so announcing is cheap and safe either way. Every announcement is also
    emitted as ``announced(text, is_assertive)`` and kept in ``recent``, for tests and for a speech route
    that wants to follow along. Call on the GUI thread only.
    """

    announced = Signal(str, bool)

    def __init__(self, source: QObject | None = None, parent: QObject | None = None,
                 *, recent_limit: int = RECENT_LIMIT) -> None:
        super().__init__(parent)
        self._source = source
        self._recent: deque[tuple[str, bool]] = deque(maxlen=recent_limit)

    @property
    def recent(self) -> list[tuple[str, bool]]:
        """The latest announcements as ``(text, is_assertive)``, oldest first."""
        return list(self._recent)

    @property
    def is_screen_reader_active(self) -> bool:
        """True when an assistive technology listens to this process (announcements reach it)."""
        return QAccessible.isActive()

    def announce(self, text: str, *, is_assertive: bool = False) -> None:
        """Have the screen reader say ``text`` (collapsed to one line); empty text is ignored."""
        line = " ".join(str(text).split())
        if not line:
            return
        self._recent.append((line, is_assertive))
        self._send(line, is_assertive)
        self.announced.emit(line, is_assertive)

    def _send(self, line: str, is_assertive: bool) -> None:
        source = self._source if is_alive(self._source) else QApplication.instance()
        if source is None:
            return  # no application yet: nothing could hear it
        event = QAccessibleAnnouncementEvent(source, line)
        politeness = QAccessible.AnnouncementPoliteness
        event.setPoliteness(politeness.Assertive if is_assertive else politeness.Polite)
        QAccessible.updateAccessibility(event)


def is_alive(obj: QObject | None) -> bool:
    """False for None and for a Qt object whose C++ side has been deleted."""
    if obj is None:
        return False
    try:
        obj.objectName()
    except RuntimeError:
        return False
    return True
