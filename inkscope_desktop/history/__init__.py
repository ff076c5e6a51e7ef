"""The caption history: an SQLite file in the data folder, kept only while the privacy settings allow it.

``open_history(settings.privacy)`` is how the app gets a store: None while history is off, so nothing is
written; thumbnails are dropped unless they are on. See ``store.py`` for the threading rules.
"""

from __future__ import annotations

from pathlib import Path

from inkscope_desktop.history.entry import Entry, FollowUp
from inkscope_desktop.history.export import export_json, export_markdown
from inkscope_desktop.history.store import HistoryStore
from inkscope_desktop.settings.schema import PrivacySettings


def open_history(privacy: PrivacySettings, path: Path | str | None = None) -> HistoryStore | None:
    """A store that follows ``privacy`` (thumbnails, retention), or None when history is off.

    No file is touched here: the database is created by the first entry saved.
    """
    if not privacy.history:
        return None
    return HistoryStore(path, keep_thumbnails=privacy.thumbnails, max_age_days=privacy.retention_days,
                        max_entries=privacy.max_entries)


__all__ = ["Entry", "FollowUp", "HistoryStore", "export_json", "export_markdown", "open_history"]
