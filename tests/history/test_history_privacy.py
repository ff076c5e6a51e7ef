"""Privacy defaults: nothing under the data folder while history is off, no screenshot unless thumbnails are on."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from inkscope_desktop.history import HistoryStore, open_history
from inkscope_desktop.settings import PrivacySettings, Settings

PNG = b"\x89PNG\r\n\x1a\n" + b"SCREENSHOT-PIXELS" * 200


def _files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def _caption_like_the_app(store: HistoryStore | None) -> None:
    """What the app does after a caption finishes: save it (with its thumbnail) where history is kept."""
    if store is None:
        return
    entry_id = store.add_caption(None, "Screen", "Describe it.", "A desktop.", "fake", {}, PNG, subject="screen")
    store.add_follow_up(entry_id, "Which icons?", "A trash can.")


def test_with_history_off_no_store_exists_and_no_file_is_written(private_folders):
    privacy = dataclasses.replace(Settings().privacy, history=False, thumbnails=True)
    store = open_history(privacy)
    assert store is None
    _caption_like_the_app(store)
    assert _files_under(private_folders["data"]) == []


def test_a_store_that_is_only_constructed_and_read_writes_nothing(private_folders):
    store = HistoryStore()
    assert store.search("anything") == [] and store.count() == 0
    store.close()
    assert _files_under(private_folders["data"]) == []


def test_by_default_history_is_kept_without_screenshots(private_folders):
    store = open_history(Settings().privacy)
    assert store is not None and store.keep_thumbnails is False
    assert (store.max_age_days, store.max_entries) == (30, 1000)
    _caption_like_the_app(store)
    [entry] = store.search()
    assert entry.caption == "A desktop." and not entry.has_thumbnail and store.thumbnail(entry.id) is None
    store.close()
    files = _files_under(private_folders["data"])
    assert files and all(name.startswith("history.sqlite3") for name in files)
    for name in files:
        assert b"SCREENSHOT-PIXELS" not in (private_folders["data"] / name).read_bytes()


def test_thumbnails_reach_the_disk_only_when_turned_on(private_folders):
    store = open_history(PrivacySettings(history=True, thumbnails=True))
    _caption_like_the_app(store)
    [entry] = store.search()
    assert store.thumbnail(entry.id) == PNG
    store.close()


def test_the_history_folder_is_private_to_the_user(private_folders):
    store = open_history(PrivacySettings())
    _caption_like_the_app(store)
    store.close()
    if os.name == "posix":
        assert private_folders["data"].stat().st_mode & 0o077 == 0
        for path in private_folders["data"].iterdir():
            assert path.stat().st_mode & 0o077 == 0, path
