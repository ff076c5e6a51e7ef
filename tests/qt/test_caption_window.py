"""The caption window: names, tab order, keys, streaming, follow-ups, history, clipboard and drops."""

from __future__ import annotations

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QAction, QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QListWidget, QPlainTextEdit, QPushButton, QWidget

from inkscope_desktop.core.types import CaptionResult, StopReason, Timings
from inkscope_desktop.qt.widgets.announcer import Announcer
from inkscope_desktop.qt.widgets.caption_window import CaptionWindow
from inkscope_desktop.qt.widgets.images import images_from_mime, qimage_to_pil
from inkscope_desktop.qt.widgets.media_intake import NO_CLIPBOARD_IMAGE
from inkscope_desktop.qt.widgets.messages_list import MessagesList


@pytest.fixture
def announcer(qtbot):
    return Announcer()


@pytest.fixture
def window(qtbot, announcer):
    describe = QAction("Describe screen\tCtrl+Alt+D")
    quit_action = QAction("&Quit Inkscope")
    win = CaptionWindow([describe, None, quit_action], announcer=announcer)
    win._test_actions = (describe, quit_action)  # keep the Python wrappers alive with the window
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitActive(win)
    return win


def widgets(win):
    caption = win.findChild(QPlainTextEdit)
    question = win.findChild(QLineEdit)
    history = win.findChild(QListWidget)
    status = next(label for label in win.findChildren(QLabel) if label.accessibleName() == "Status")
    return caption, question, history, status


def result(text, tokens=7, total=1.25, stop=StopReason.FINISHED):
    return CaptionResult(text=text, prompt="p", stop_reason=stop, new_tokens=tokens, timings=Timings(total_s=total))


def png(path, color=(200, 30, 30), size=(32, 24)):
    Image.new("RGB", size, color).save(path)
    return path


def drop(target, mime):
    """Drag ``mime`` onto ``target`` and drop it, as the platform would: enter, move, drop."""
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(QPoint(10, 10), *args)  # drag events take a QPoint, the drop a QPointF
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False
    QApplication.sendEvent(target, QDragMoveEvent(QPoint(10, 10), *args))
    QApplication.sendEvent(target, QDropEvent(QPointF(10, 10), *args))
    return True


# --- accessibility and focus -----------------------------------------------------------------------
def test_every_focusable_widget_and_the_menus_have_names_and_descriptions(window):
    focusable = [w for w in window.findChildren(QWidget)
                 if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisibleTo(window)]
    assert len(focusable) >= 5
    for widget in focusable:
        assert widget.accessibleName(), widget
        assert widget.accessibleDescription(), widget
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["&Inkscope", "&Window"]
    app_menu = window.menuBar().actions()[0].menu()
    texts = [action.text() for action in app_menu.actions()]
    assert texts == ["Describe screen\tCtrl+Alt+D", "", "&Quit Inkscope"]


def test_tab_order_is_caption_question_ask_history_search_status(window, qtbot):
    caption, question, history, status = widgets(window)
    ask = window.findChild(QPushButton)
    search = next(edit for edit in window.findChildren(QLineEdit) if edit.accessibleName() == "Search history")
    window.focus_caption()
    seen = [QApplication.focusWidget()]
    for _ in range(5):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert seen == [caption, question, ask, history, search, status]


def test_f6_and_shift_f6_cycle_the_four_areas(window, qtbot):
    caption, question, history, _ = widgets(window)
    messages = window.findChild(MessagesList)
    window.focus_caption()
    order = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)
        order.append(QApplication.focusWidget())
    assert order == [question, history, messages, caption]
    qtbot.keyClick(caption, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is messages
    window.focus_caption()
    qtbot.keyClick(caption, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)  # the History label's Alt key
    assert QApplication.focusWidget() is history


def test_caption_area_is_read_only_and_reviewable_by_keyboard(window):
    caption, *_ = widgets(window)
    assert caption.isReadOnly()
    assert caption.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard
    assert caption.focusPolicy() & Qt.FocusPolicy.TabFocus


# --- keys ------------------------------------------------------------------------------------------
def test_alt_q_focuses_the_question_box_and_enter_submits(window, qtbot):
    caption, question, *_ = widgets(window)
    window.focus_caption()
    qtbot.keyClick(caption, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is question
    qtbot.keyClicks(question, "  What colour is the   button? ")
    with qtbot.waitSignal(window.question_submitted, timeout=1000) as blocker:
        qtbot.keyClick(question, Qt.Key.Key_Return)
    assert blocker.args == ["What colour is the button?"]
    assert question.text() == ""


def test_enter_in_an_empty_question_box_sends_nothing(window, qtbot, announcer):
    _, question, *_ = widgets(window)
    with qtbot.assertNotEmitted(window.question_submitted), qtbot.waitSignal(window.confirmed, timeout=1000) as said:
        qtbot.keyClick(question, Qt.Key.Key_Return)
    assert said.args == ["Type a question first, then press Enter."]


def test_alt_r_requests_a_retry(window, qtbot):
    caption, *_ = widgets(window)
    with qtbot.waitSignal(window.retry_requested, timeout=1000):
        qtbot.keyClick(caption, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)


def test_escape_hides_the_window_or_minimizes_when_told(window, qtbot):
    caption, *_ = widgets(window)
    qtbot.keyClick(caption, Qt.Key.Key_Escape)
    assert not window.isVisible()
    window.set_should_hide_on_escape(False)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(caption, Qt.Key.Key_Escape)
    assert window.isVisible() and window.isMinimized()


def test_alt_c_copies_the_caption_to_the_real_clipboard(window, qtbot, announcer):
    caption, *_ = widgets(window)
    window.begin_caption("Screen")
    for chunk in ("A dialog ", "asks to ", "save."):
        window.append_chunk(chunk)
    with qtbot.waitSignal(window.confirmed, timeout=1000) as said:
        qtbot.keyClick(caption, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    assert QGuiApplication.clipboard().text() == "A dialog asks to save."
    assert said.args == ["Caption copied"]


def test_alt_c_with_no_caption_says_so(window, qtbot, announcer):
    caption, *_ = widgets(window)
    with qtbot.waitSignal(window.notice_shown, timeout=1000) as notice:
        qtbot.keyClick(caption, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    assert notice.args == ["There is no caption to copy yet.", True]
    assert window.messages() == ["Error: There is no caption to copy yet."]


def test_ctrl_v_pastes_a_clipboard_image(window, qtbot):
    caption, *_ = widgets(window)
    image = QImage(20, 10, QImage.Format.Format_RGB32)
    image.fill(QColor(10, 200, 30))
    QGuiApplication.clipboard().setImage(image)
    with qtbot.waitSignal(window.images_received, timeout=1000) as blocker:
        qtbot.keyClick(caption, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    [(pil, label)] = blocker.args[0]
    assert label == "Pasted image" and pil.mode == "RGB" and pil.size == (20, 10)
    assert pil.getpixel((5, 5)) == (10, 200, 30)


def test_ctrl_v_with_text_on_the_clipboard_is_an_error(window, qtbot, announcer):
    caption, _, _, status = widgets(window)
    QGuiApplication.clipboard().setText("just words")
    with qtbot.assertNotEmitted(window.images_received):
        qtbot.keyClick(caption, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert window.messages() == [f"Error: {NO_CLIPBOARD_IMAGE}"] and status.text() == "Ready."


def test_ctrl_v_in_the_question_box_pastes_text(window, qtbot):
    _, question, *_ = widgets(window)
    QGuiApplication.clipboard().setText("is it red?")
    with qtbot.assertNotEmitted(window.images_received):
        qtbot.keyClick(question, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert question.text() == "is it red?"


def search_box(window):
    return next(edit for edit in window.findChildren(QLineEdit) if edit.accessibleName() == "Search history")


def test_ctrl_v_in_a_text_box_describes_an_image_on_the_clipboard_and_pastes_only_text(window, qtbot):
    _, question, *_ = widgets(window)
    for box in (question, search_box(window)):
        box.setFocus()
        image = QImage(12, 8, QImage.Format.Format_RGB32)
        image.fill(QColor(200, 10, 30))
        QGuiApplication.clipboard().setImage(image)
        with qtbot.waitSignal(window.images_received, timeout=1000) as blocker:
            qtbot.keyClick(box, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        [(pil, label)] = blocker.args[0]
        assert label == "Pasted image" and pil.size == (12, 8) and box.text() == ""
        QGuiApplication.clipboard().setText("words")
        with qtbot.assertNotEmitted(window.images_received):
            qtbot.keyClick(box, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        assert box.text() == "words"


def test_ctrl_e_exports_from_anywhere_in_the_window(window, qtbot):
    caption, question, history, _ = widgets(window)
    for widget in (caption, question, history, search_box(window), window.findChild(MessagesList)):
        widget.setFocus()
        with qtbot.waitSignal(window.export_requested, timeout=1000):
            qtbot.keyClick(widget, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)


def test_a_search_says_how_many_captions_match_or_that_none_does_and_its_clear_button_has_a_name(window, qtbot):
    from PySide6.QtWidgets import QToolButton

    window.add_history_entry(None, "Screen", "A dialog with a Save button.")
    window.add_history_entry(None, "Region", "A photo of a cat.")
    search = search_box(window)
    said = []
    window.confirmed.connect(said.append)
    qtbot.keyClicks(search, "cat")
    assert said[-1] == "1 caption found"
    search.setText("zebra")
    assert said[-1] == "No caption matches zebra."
    buttons = search.findChildren(QToolButton)
    assert buttons and all(button.accessibleName() == "Clear the search" for button in buttons)


# --- streaming and follow-ups ----------------------------------------------------------------------
def test_chunks_are_appended_in_order_under_a_heading(window):
    caption, *_ = widgets(window)
    chunks = ["The ", "screen shows ", "a text editor", " with two tabs."]
    window.begin_caption("Active window: Editor")
    for chunk in chunks:
        window.append_chunk(chunk)
    assert window.caption_text() == "".join(chunks)
    assert caption.toPlainText() == "Active window: Editor\n" + "".join(chunks)


def test_appending_does_not_move_the_readers_cursor(window):
    caption, *_ = widgets(window)
    window.begin_caption("Screen")
    window.append_chunk("First words of the caption")
    window.focus_caption()
    cursor = caption.textCursor()
    cursor.setPosition(10)
    caption.setTextCursor(cursor)
    for chunk in [" and more"] * 50:
        window.append_chunk(chunk)
    assert caption.textCursor().position() == 10


def test_appending_keeps_the_scroll_position_of_a_reader_elsewhere(window):
    caption, *_ = widgets(window)
    window.begin_caption("Screen")
    for number in range(200):
        window.append_chunk(f"Line {number}.\n")
    bar = caption.verticalScrollBar()
    assert bar.value() == bar.maximum() > 0  # following the end while the reader is there
    bar.setValue(3)
    window.append_chunk("More.\n")
    assert bar.value() == 3


def test_a_new_caption_clears_the_old_one(window):
    window.begin_caption("Screen")
    window.append_chunk("Old text.")
    window.begin_caption("Clipboard image")
    window.append_chunk("New text.")
    assert window.caption_text() == "New text."
    assert "Old text" not in window.transcript_text()


def test_a_follow_up_appears_below_the_caption(window):
    window.begin_caption("Screen")
    window.append_chunk("A login form.")
    window.finish_caption(result("A login form."))
    window.begin_answer("What does   the button say?")
    window.append_chunk("It says ")
    window.append_chunk("Sign in.")
    transcript = window.transcript_text()
    assert transcript == "Screen\nA login form.\n\nQ: What does the button say?\nA: It says Sign in."
    assert window.caption_text() == "A login form."


def test_finish_shows_tokens_and_time_and_announces_the_caption(window, announcer):
    *_, status = widgets(window)
    window.begin_caption("Screen")
    window.append_chunk("A calm desktop.")
    window.finish_caption(result("A calm desktop.", tokens=12, total=2.345))
    assert status.text() == "Done: 12 tokens in 2.3 s"
    assert announcer.recent[-1] == ("A calm desktop.", False)
    window.finish_caption(result("", tokens=1, total=0.1, stop=StopReason.CANCELLED))
    assert status.text() == "Stopped: 1 token in 0.1 s"


# --- status and announcements ----------------------------------------------------------------------
def test_status_is_announced_politely_and_messages_stay_listed_whatever_the_status_says(window, qtbot):
    *_, status = widgets(window)
    with qtbot.waitSignal(window.announcer.announced, timeout=1000) as blocker:
        window.set_status("Thinking…")
    assert blocker.args == ["Thinking…", False] and status.text() == "Thinking…"
    with qtbot.waitSignal(window.notice_shown, timeout=1000) as notice:
        window.show_error("The model is not installed. Run inkscope-desktop models.")
    assert notice.args == ["The model is not installed. Run inkscope-desktop models.", True]
    assert status.text() == "Thinking…"  # a message leaves the status line alone
    window.set_status("The model failed.", is_error=True, announce=False)
    assert status.text() == "Error: The model failed." and status.font().bold()  # said in words, not by colour
    window.notify("Settings saved.")
    with qtbot.assertNotEmitted(window.announcer.announced):
        window.set_status("Generating…", announce=False)
    assert status.text() == "Generating…"
    assert window.messages() == ["Settings saved.", "Error: The model is not installed. Run inkscope-desktop models."]


def test_a_window_without_an_announcer_makes_its_own(qtbot):
    win = CaptionWindow()
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.announcer.announced, timeout=1000):
        win.set_status("Inkscope ready")


# --- history ---------------------------------------------------------------------------------------
def test_history_entries_show_newest_first_and_enter_rereads_one(window, qtbot):
    caption, _, history, _ = widgets(window)
    thumb = QImage(64, 48, QImage.Format.Format_RGB32)
    thumb.fill(QColor(0, 0, 255))
    window.add_history_entry(thumb, "Screen", "First caption about a desktop with many icons on it today.")
    window.add_history_entry(None, "Clipboard image", "Second caption.")
    assert history.count() == 2
    assert history.item(0).text() == "Clipboard image: Second caption."
    assert history.item(1).text().startswith("Screen: First caption about")
    assert not history.item(1).icon().isNull()
    window.begin_caption("Region")
    window.append_chunk("Current.")
    history.setFocus()
    history.setCurrentRow(1)
    with qtbot.waitSignal(window.history_selected, timeout=1000) as blocker:
        qtbot.keyClick(history, Qt.Key.Key_Return)
    assert blocker.args == [0]
    assert window.caption_text() == "First caption about a desktop with many icons on it today."
    assert window.transcript_text().startswith("Screen\n")
    assert QApplication.focusWidget() is caption


def test_show_history_text_replaces_the_caption_area(window):
    window.show_history_text("Stored caption.")
    assert window.caption_text() == "Stored caption."
    assert window.transcript_text() == "From history\nStored caption."


# --- drag and drop ---------------------------------------------------------------------------------
def test_dropped_files_load_in_order_and_a_non_image_is_reported(window, qtbot, tmp_path, announcer):
    *_, status = widgets(window)
    first = png(tmp_path / "first.png", (255, 0, 0))
    note = tmp_path / "notes.txt"
    note.write_text("not a picture\n")
    second = png(tmp_path / "second.jpg", (0, 0, 255))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in (first, note, second)])
    with qtbot.waitSignal(window.images_received, timeout=1000) as blocker:
        assert drop(widgets(window)[0], mime)  # onto the caption area: the window takes it
    images = blocker.args[0]
    assert [label for _, label in images] == [str(first), str(second)]
    assert images[0][0].getpixel((1, 1)) == (255, 0, 0)
    assert window.messages()[0].startswith("Error: notes.txt is not an image")


def test_dropped_image_data_from_a_browser_is_used(window, qtbot):
    image = QImage(8, 6, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 128, 0, 255))
    mime = QMimeData()
    mime.setImageData(image)
    mime.setUrls([QUrl("https://example.com/picture.png")])
    with qtbot.waitSignal(window.images_received, timeout=1000) as blocker:
        assert drop(window, mime)
    [(pil, label)] = blocker.args[0]
    assert label == "Dropped image" and pil.getpixel((0, 0)) == (0, 128, 0)


def test_raw_image_bytes_mime_is_decoded(tmp_path):
    data = png(tmp_path / "x.png", (9, 8, 7)).read_bytes()
    mime = QMimeData()
    mime.setData("image/png", data)
    images, errors = images_from_mime(mime, "Dropped image")
    assert errors == [] and images[0][0].getpixel((0, 0)) == (9, 8, 7)


def test_a_web_address_alone_gets_advice(window, qtbot):
    *_, status = widgets(window)
    mime = QMimeData()
    mime.setUrls([QUrl("https://example.com/page")])
    with qtbot.assertNotEmitted(window.images_received):
        assert drop(window, mime)
    assert "Save the image, then open or drop the file" in window.messages()[0]


def test_plain_text_drop_is_refused_at_drag_enter(window):
    mime = QMimeData()
    mime.setText("hello")
    assert drop(window, mime) is False


# --- qimage_to_pil ---------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", [QImage.Format.Format_RGB32, QImage.Format.Format_RGB888,
                                 QImage.Format.Format_RGBX8888, QImage.Format.Format_ARGB32_Premultiplied,
                                 QImage.Format.Format_Grayscale8])
def test_qimage_to_pil_keeps_pixels_for_odd_widths(fmt):
    source = QImage(7, 3, QImage.Format.Format_RGB32)
    for x in range(7):
        for y in range(3):
            source.setPixelColor(x, y, QColor(x * 30, y * 80, 100) if fmt != QImage.Format.Format_Grayscale8
                                 else QColor(x * 30, x * 30, x * 30))
    pil = qimage_to_pil(source.convertToFormat(fmt))
    assert pil.mode == "RGB" and pil.size == (7, 3)
    expected = (6 * 30, 2 * 80, 100) if fmt != QImage.Format.Format_Grayscale8 else (180, 180, 180)
    assert pil.getpixel((6, 2)) == expected


def test_qimage_to_pil_puts_transparency_on_white():
    image = QImage(2, 1, QImage.Format.Format_ARGB32)
    image.setPixelColor(0, 0, QColor(0, 0, 0, 0))
    image.setPixelColor(1, 0, QColor(255, 0, 0, 255))
    pil = qimage_to_pil(image)
    assert pil.getpixel((0, 0)) == (255, 255, 255) and pil.getpixel((1, 0)) == (255, 0, 0)


def test_qimage_to_pil_refuses_a_null_image():
    with pytest.raises(ValueError):
        qimage_to_pil(QImage())


def test_frames_follow_a_palette_switched_at_run_time(window, qapp):
    """A high-contrast palette (white on black) applied while the window is open redraws the frames."""
    from PySide6.QtGui import QPalette

    _, question, *_ = widgets(window)
    original = qapp.palette()
    contrast = QPalette(original)
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.Button):
        contrast.setColor(role, QColor(0, 0, 0))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        contrast.setColor(role, QColor(255, 255, 255))
    try:
        qapp.setPalette(contrast)
        qapp.processEvents()
        image = question.grab().toImage()
        middle = image.height() // 2
        assert image.pixelColor(0, middle) == QColor(255, 255, 255)  # the frame: the text colour
        assert image.pixelColor(image.width() // 2, middle).lightness() < 60  # the field: dark base
    finally:
        qapp.setPalette(original)
