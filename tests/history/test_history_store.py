"""The history store: lazy opening, add/get/search, follow-ups, thumbnails, deletes, retention, damage, threads."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from inkscope_desktop.core.errors import HistoryError
from inkscope_desktop.core.types import Timings, Turn
from inkscope_desktop.history import HistoryStore
from inkscope_desktop.history.database import SCHEMA_VERSION

T0 = datetime(2026, 5, 9, 12, 0, tzinfo=timezone.utc).timestamp()
DAY = 86_400.0


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock):
    with HistoryStore(tmp_path / "history.sqlite3", keep_thumbnails=True, clock=clock) as opened:
        yield opened


def _add(store: HistoryStore, caption: str, *, time: float | None = None, source: str = "Screen",
         **kwargs) -> int:
    return store.add_caption(time, source, "Describe it.", caption, "fake", {"total_s": 1.5}, **kwargs)


def test_the_default_path_is_in_the_data_folder_named_by_the_environment(private_folders):
    assert HistoryStore().path == private_folders["data"] / "history.sqlite3"


def test_nothing_touches_the_disk_until_the_first_write(tmp_path):
    store = HistoryStore(tmp_path / "data" / "history.sqlite3")
    assert store.search("x") == [] and store.count() == 0
    assert store.get(1) is None and store.thumbnail(1) is None
    assert store.delete_all() == 0 and store.apply_retention(1, 1) == 0
    assert store.delete(1) is False and store.add_follow_up(1, "q", "a") is None
    store.close()
    assert not (tmp_path / "data").exists()


def test_an_entry_comes_back_whole(store, clock):
    entry_id = store.add_caption(datetime(2026, 5, 9, 14, 3, tzinfo=timezone.utc), "Active window: Firefox",
                                 "Describe it.", "A browser showing a news page.", "qwen2-vl",
                                 Timings(first_token_s=0.5, total_s=2.25), subject="window")
    entry = store.get(entry_id)
    assert entry is not None
    assert entry.time == datetime(2026, 5, 9, 14, 3, tzinfo=timezone.utc)
    assert (entry.subject, entry.source, entry.prompt, entry.caption, entry.engine) == (
        "window", "Active window: Firefox", "Describe it.", "A browser showing a news page.", "qwen2-vl")
    assert entry.timings["first_token_s"] == 0.5 and entry.timings["total_s"] == 2.25
    assert entry.follow_ups == () and not entry.has_thumbnail
    assert store.get(entry_id + 1) is None


def test_a_missing_time_means_now(store, clock):
    entry_id = _add(store, "x")
    assert store.get(entry_id).time.timestamp() == T0


def test_follow_ups_are_kept_in_order_and_give_the_conversation_back(store):
    entry_id = _add(store, "A cat on a sofa.")
    first = store.add_follow_up(entry_id, "What colour is the cat?", "Grey.", time=T0 + 5)
    second = store.add_follow_up(entry_id, "And the sofa?", "Red.", time=T0 + 9)
    assert first is not None and second == first + 1
    entry = store.get(entry_id)
    assert [(f.question, f.answer) for f in entry.follow_ups] == [("What colour is the cat?", "Grey."),
                                                                  ("And the sofa?", "Red.")]
    assert entry.turns == (Turn("Describe it.", "A cat on a sofa."), Turn("What colour is the cat?", "Grey."),
                           Turn("And the sofa?", "Red."))
    assert store.add_follow_up(entry_id + 100, "?", "!") is None


def test_search_is_newest_first_case_insensitive_and_covers_source_caption_and_follow_ups(store):
    old = _add(store, "A Straße sign in Berlin. ÄRGER.", time=T0 - 30, source="File: /pics/street.png")
    middle = _add(store, "An error dialog.", time=T0 - 20, source="Active window: Terminal")
    new = _add(store, "A blank desktop.", time=T0 - 10)
    store.add_follow_up(middle, "What does the ERROR say?", "Disk full.")
    assert [e.id for e in store.search()] == [new, middle, old]
    assert [e.id for e in store.search("STRASSE")] == [old]  # Unicode case folding, not ASCII-only like LIKE
    assert [e.id for e in store.search("berlin")] == [old]
    assert [e.id for e in store.search("street.PNG")] == [old]
    assert [e.id for e in store.search("ärger")] == [old]
    assert [e.id for e in store.search("disk full")] == [middle]
    assert [e.id for e in store.search("error")] == [middle]
    assert [e.id for e in store.search("Describe it")] == []  # the prompt is the same everywhere: not searched
    assert [e.id for e in store.search("%")] == [] and [e.id for e in store.search("_")] == []
    assert [e.id for e in store.search("", limit=2)] == [new, middle]
    assert [e.id for e in store.search("", limit=2, offset=2)] == [old]
    assert len(store.search("", limit=None)) == 3
    assert store.count() == 3 and store.count("a") == 3 and store.count("terminal") == 1


def test_thumbnails_are_kept_only_when_allowed(tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    with HistoryStore(tmp_path / "with.sqlite3", keep_thumbnails=True) as keeping:
        entry_id = _add(keeping, "x", thumbnail_png=png)
        assert keeping.get(entry_id).has_thumbnail and keeping.thumbnail(entry_id) == png
    with HistoryStore(tmp_path / "without.sqlite3") as dropping:  # the default
        entry_id = _add(dropping, "x", thumbnail_png=png)
        assert not dropping.get(entry_id).has_thumbnail and dropping.thumbnail(entry_id) is None


def test_delete_removes_one_entry_with_its_follow_ups_and_thumbnail(store):
    keep = _add(store, "keep me")
    gone = _add(store, "delete me", thumbnail_png=b"png")
    store.add_follow_up(gone, "q", "a")
    assert store.delete(gone) is True and store.delete(gone) is False
    assert [e.id for e in store.search()] == [keep]
    raw = sqlite3.connect(store.path)
    assert raw.execute("SELECT COUNT(*) FROM follow_ups").fetchone() == (0,)
    assert raw.execute("SELECT COUNT(*) FROM thumbnails").fetchone() == (0,)
    raw.close()


def test_delete_all_leaves_no_caption_text_anywhere_in_the_files(store):
    for n in range(20):
        _add(store, f"secret caption number {n}", source="Window: Bank statement", thumbnail_png=b"SECRETPNG" * 50)
    assert store.delete_all() == 20
    assert store.search() == []
    for path in store.path.parent.iterdir():
        assert b"secret caption" not in path.read_bytes(), path
        assert b"SECRETPNG" not in path.read_bytes(), path
    assert _add(store, "after") > 20  # ids are never reused


def test_retention_deletes_old_entries_and_keeps_the_newest(store, clock):
    ids = [_add(store, f"entry {n}", time=T0 - (10 - n) * DAY) for n in range(10)]  # 10 days ago .. 1 day ago
    assert store.apply_retention(max_age_days=5, max_entries=0) == 5
    assert [e.id for e in store.search()] == ids[:4:-1]
    assert store.apply_retention(max_age_days=0, max_entries=2) == 3
    assert [e.id for e in store.search()] == ids[:7:-1]
    assert store.apply_retention(0, 0) == 0


def test_the_stores_own_limits_apply_with_every_new_entry(tmp_path, clock):
    with HistoryStore(tmp_path / "h.sqlite3", max_age_days=2, max_entries=3, clock=clock) as store:
        _add(store, "too old", time=T0 - 3 * DAY)
        assert store.count() == 0  # trimmed in the same transaction that added it
        ids = [_add(store, f"n{n}", time=T0 - n) for n in range(5)]
        assert [e.id for e in store.search()] == ids[:3]
        clock.now += 2 * DAY + 1
        assert store.apply_retention() == 3


def test_the_file_is_in_wal_mode_with_a_schema_version(store):
    _add(store, "x")
    raw = sqlite3.connect(store.path)
    assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
    raw.close()
    assert store._open().execute("PRAGMA synchronous").fetchone() == (2,)  # FULL


def test_a_damaged_file_is_kept_aside_and_a_new_history_started(tmp_path):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    store = HistoryStore(path)
    assert store.search() == []
    kept = list(tmp_path.glob("history.sqlite3.broken-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not a database")
    assert store.take_notice() == ("Your caption history was damaged, so a new one was started. "
                                   f"The old file was kept as {kept[0]}.")
    assert store.take_notice() is None
    assert store.get(_add(store, "fresh")).caption == "fresh"
    store.close()


def test_a_history_from_a_newer_version_is_refused_with_advice(tmp_path):
    path = tmp_path / "history.sqlite3"
    with HistoryStore(path) as store:
        _add(store, "x")
    raw = sqlite3.connect(path)
    raw.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    raw.commit()
    raw.close()
    with pytest.raises(HistoryError, match=r"^The history was written by a newer Inkscope Desktop \(layout 99\)\. "
                                           r"Update Inkscope Desktop, or turn history off\.$"):
        HistoryStore(path).search()
    assert list(tmp_path.glob("*.broken-*")) == []  # not damaged: left alone


def test_an_unwritable_folder_is_a_history_error_with_advice(tmp_path):
    (tmp_path / "blocked").write_text("a file where the folder should be")
    with pytest.raises(HistoryError, match=r"history folder .* could not be created .* turn history off\.$"):
        _add(HistoryStore(tmp_path / "blocked" / "history.sqlite3"), "x")


def test_threads_may_share_one_store(store):
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for n in range(25):
                entry_id = _add(store, f"{name} {n}")
                store.add_follow_up(entry_id, "q", "a")
                store.search(name, limit=5)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(f"thread{t}",)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert store.count() == 100 and store.count("thread3") == 25


def test_a_second_process_can_read_while_the_app_writes(tmp_path):
    path = tmp_path / "history.sqlite3"
    with HistoryStore(path) as app, HistoryStore(path) as command:
        _add(app, "first")
        assert [e.caption for e in command.search()] == ["first"]
        _add(command, "from the command")
        assert app.count() == 2
