"""History in the running app: captions and follow-ups saved while history is on, listed again at the next
start, deletable and exportable; with history off nothing at all is written under the data folder."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt

from inkscope_desktop.history import HistoryStore
from inkscope_desktop.qt.widgets.history_list import HistoryList
from inkscope_desktop.settings import PrivacySettings

WAIT_MS = 10_000


def noise(seed: int) -> Image.Image:
    return Image.fromarray(np.random.default_rng(seed).integers(0, 256, (60, 80, 3), dtype=np.uint8), "RGB")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("INKSCOPE_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def make_app(make_inkscope_app, data_dir):
    return lambda privacy=None: make_inkscope_app(privacy=privacy, start=True)


def caption(qtbot, app, seed: int, label: str):
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS) as finished:
        app.parts.describe.describe(noise(seed), label)
    return finished.args[0]


def ask(qtbot, app, question: str):
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS) as finished:
        app.window.question_submitted.emit(question)
    return finished.args[0]


def test_captions_and_follow_ups_are_saved_and_listed_at_the_next_start(qtbot, make_app, data_dir):
    app = make_app()
    first = caption(qtbot, app, 1, "Screen")
    answer = ask(qtbot, app, "What is in the corner?")
    caption(qtbot, app, 2, "Clipboard image")
    app.shutdown()

    entries = HistoryStore(data_dir / "history.sqlite3").search("")
    assert [e.source for e in entries] == ["Clipboard image", "Screen"]  # newest first
    assert entries[1].caption == first.text
    assert [(f.question, f.answer) for f in entries[1].follow_ups] == [("What is in the corner?", answer.text)]
    assert not entries[1].has_thumbnail  # thumbnails are off by default

    again = make_app()
    listing = again.window.findChild(HistoryList)
    assert listing.count() == 2 and listing.item(0).text().startswith("Clipboard image:")
    listing.choose_row(1)
    assert again.window.caption_text() == first.text


def test_with_history_off_nothing_is_written_under_the_data_folder(qtbot, make_app, data_dir):
    app = make_app(PrivacySettings(history=False))
    caption(qtbot, app, 3, "Screen")
    ask(qtbot, app, "Any buttons?")
    assert app.window.findChild(HistoryList).count() == 1  # this session's list still works
    assert not data_dir.exists() or not any(data_dir.rglob("*"))


def test_thumbnails_are_saved_only_when_turned_on(qtbot, make_app, data_dir):
    app = make_app(PrivacySettings(thumbnails=True))
    caption(qtbot, app, 4, "Screen")
    entry = app.parts.history.store.search("")[0]
    assert entry.has_thumbnail and app.parts.history.store.thumbnail(entry.id).startswith(b"\x89PNG")


def test_delete_in_the_list_removes_the_saved_caption(qtbot, make_app, data_dir):
    app = make_app()
    caption(qtbot, app, 5, "First")
    caption(qtbot, app, 6, "Second")
    listing = app.window.findChild(HistoryList)
    listing.setCurrentRow(0)
    qtbot.keyClick(listing, Qt.Key.Key_Delete)
    assert listing.count() == 1
    assert [e.source for e in app.parts.history.store.search("")] == ["First"]


def test_export_writes_markdown_and_json(qtbot, make_app, tmp_path):
    app = make_app()
    result = caption(qtbot, app, 7, "Screen")
    assert "Exported 1 caption" in app.parts.export.export(tmp_path / "history.md")
    assert result.text in (tmp_path / "history.md").read_text(encoding="utf-8")
    app.parts.export.export(tmp_path / "history.json")
    assert result.text in json.dumps(json.loads((tmp_path / "history.json").read_text(encoding="utf-8")))


def test_turning_history_off_in_settings_stops_saving(qtbot, make_app, data_dir):
    app = make_app()
    caption(qtbot, app, 8, "Kept")
    old = app.store.settings
    app.parts.settings_flow.save(replace(old, privacy=PrivacySettings(history=False)))
    caption(qtbot, app, 9, "Not kept")
    assert [e.source for e in HistoryStore(data_dir / "history.sqlite3").search("")] == ["Kept"]
    assert app.parts.history.delete_all() == "History is off: nothing is saved."


def test_the_search_field_filters_the_list(qtbot, make_app):
    app = make_app()
    caption(qtbot, app, 10, "Screen")
    caption(qtbot, app, 11, "Clipboard image")
    listing = app.window.findChild(HistoryList)
    app.window.focus_history_search()
    qtbot.keyClicks(app.window.focusWidget(), "clipboard")
    shown = [listing.item(row).text() for row in range(listing.count()) if not listing.item(row).isHidden()]
    assert len(shown) == 1 and shown[0].startswith("Clipboard image:")


def noise_of(size) -> Image.Image:
    width, height = size
    return Image.fromarray(np.random.default_rng(width).integers(0, 256, (height, width, 3), dtype=np.uint8), "RGB")


def ask_by_keys(qtbot, app, text: str):
    from PySide6.QtWidgets import QLineEdit

    box = next(edit for edit in app.window.findChildren(QLineEdit) if edit.accessibleName() == "Question")
    qtbot.keyClick(app.window, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClicks(box, text)
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS) as answered:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    return answered.args[0].text


def recall(qtbot, app, row: int) -> None:
    history = app.window.findChild(HistoryList)
    history.setFocus()
    history.setCurrentRow(row)  # newest first
    qtbot.keyClick(history, Qt.Key.Key_Return)


def test_a_follow_up_about_a_recalled_caption_is_about_that_image_and_filed_under_it(qtbot, make_app, tmp_path):
    """Issue 14, item 3: describe photo.png (900x500), then a pasted 640x400 image; choose one in the history,
    press Enter, ask "How big is it?": the answer is about that image, shown under its heading, and saved with
    its own entry; recalling an entry again brings its questions and answers back."""
    app = make_app()
    photo = tmp_path / "photo.png"
    noise_of((900, 500)).save(photo)
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS):
        app.parts.files.describe_paths([str(photo)])
    with qtbot.waitSignal(app.watch.caption_finished, timeout=WAIT_MS):
        app.parts.describe.describe_images([(noise_of((640, 400)), "Pasted image")])

    recall(qtbot, app, 1)  # photo.png, the older one
    assert app.window.transcript_text().startswith(f"{photo}\n")
    assert "900 by 500" in ask_by_keys(qtbot, app, "How big is it?")
    assert app.window.transcript_text().startswith(f"{photo}\n") and "Q: How big is it?" in \
        app.window.transcript_text()

    recall(qtbot, app, 0)  # the pasted image: its own conversation, with no question yet
    assert app.window.transcript_text().startswith("Pasted image\n") and "Q:" not in app.window.transcript_text()
    assert "640 by 400" in ask_by_keys(qtbot, app, "How wide is it?")

    saved = {entry.source: entry for entry in app.parts.history.store.search("")}
    assert [f.question for f in saved[str(photo)].follow_ups] == ["How big is it?"]
    assert [f.question for f in saved["Pasted image"].follow_ups] == ["How wide is it?"]
    recall(qtbot, app, 1)
    assert "Q: How big is it?" in app.window.transcript_text() and "How wide" not in app.window.transcript_text()


def test_a_caption_whose_image_is_no_longer_kept_says_so_where_the_question_would_go(qtbot, make_app):
    app = make_app(PrivacySettings(kept_images=1))
    caption(qtbot, app, 1, "First")
    caption(qtbot, app, 2, "Second")  # only one image is kept: the first one's goes
    history = app.window.findChild(HistoryList)
    history.setCurrentRow(1)
    qtbot.keyClick(history, Qt.Key.Key_Return)
    from PySide6.QtWidgets import QLineEdit

    box = next(edit for edit in app.window.findChildren(QLineEdit) if edit.accessibleName() == "Question")
    assert "no longer kept" in box.placeholderText() and "Describe it again" in box.accessibleDescription()
    requests = len(app.watch.jobs)
    app.window.question_submitted.emit("What is it?")
    assert app.window.messages()[0].startswith("Error: The image of this caption is no longer kept")
    assert len(app.watch.jobs) == requests  # nothing was asked about another image
    caption(qtbot, app, 3, "Third")
    assert "no longer kept" not in box.placeholderText()  # a new caption can be asked about
