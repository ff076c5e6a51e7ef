"""Save PNG screenshots of the caption window, tray menu, settings dialog and region selector
(offscreen, or on Xvfb with DISPLAY set).

    python scripts/screenshots.py [OUTPUT_FOLDER]      # default: build/screenshots/
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PIL import Image, ImageDraw

CAPTION = ("A text editor fills most of the screen. The open file is a shopping list with five items: eggs, "
           "milk, bread, coffee and apples. Above it, a tab bar shows two files, and a dialog in the middle "
           "asks “Save changes before closing?” with the buttons Save, Don't Save and Cancel.")
QUESTION = "Which button is highlighted?"
ANSWER = "The Save button is highlighted; pressing Enter would save the file."


def fake_desktop(width: int = 1280, height: int = 720) -> Image.Image:
    """A made-up desktop: wallpaper gradient, two windows, a dialog and a task bar."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = int(40 + 80 * y / height)
        draw.line([(0, y), (width, y)], fill=(shade // 2, shade, 120 + shade // 2))
    windows = [((60, 50, 760, 560), "Editor - shopping.txt"), ((640, 120, 1220, 620), "Files - Documents")]
    for (left, top, right, bottom), title in windows:
        draw.rectangle((left, top, right, bottom), fill=(245, 245, 240), outline=(30, 30, 30), width=2)
        draw.rectangle((left, top, right, top + 32), fill=(60, 70, 90))
        draw.text((left + 12, top + 10), title, fill=(255, 255, 255))
        for row in range(8):
            y = top + 52 + row * 28
            draw.text((left + 20, y), f"Line {row + 1}: eggs, milk, bread, coffee, apples", fill=(20, 20, 20))
    draw.rectangle((420, 280, 860, 440), fill=(255, 255, 255), outline=(0, 0, 0), width=3)
    draw.text((450, 310), "Save changes before closing?", fill=(0, 0, 0))
    for index, label in enumerate(("Save", "Don't Save", "Cancel")):
        left = 450 + index * 135
        draw.rectangle((left, 380, left + 120, 420), fill=(40, 100, 200) if index == 0 else (220, 220, 220),
                       outline=(0, 0, 0))
        draw.text((left + 18, 393), label, fill=(255, 255, 255) if index == 0 else (0, 0, 0))
    draw.rectangle((0, height - 40, width, height), fill=(25, 25, 30))
    draw.text((16, height - 27), "Activities   Editor   Files   Terminal", fill=(230, 230, 230))
    return image


def high_contrast_palette():
    """White on black with yellow selection, like the platforms' high-contrast themes."""
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    black, white, yellow = QColor(0, 0, 0), QColor(255, 255, 255), QColor(255, 255, 0)
    role = QPalette.ColorRole
    for name in ("Window", "Base", "AlternateBase", "Button", "ToolTipBase"):
        palette.setColor(getattr(role, name), black)
    for name in ("WindowText", "Text", "ButtonText", "ToolTipText", "BrightText", "PlaceholderText",
                 "Light", "Midlight", "Mid", "Dark", "Shadow"):
        palette.setColor(getattr(role, name), white)
    palette.setColor(role.Highlight, yellow)
    palette.setColor(role.HighlightedText, black)
    return palette


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", default="build/screenshots", help="folder for the PNG files")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QApplication, QMenu

    import tempfile
    import time
    from dataclasses import replace

    from inkscope_desktop.capture import fake_capturer
    from inkscope_desktop.core.types import CaptionResult, Timings
    from inkscope_desktop.engines.fake import FakeEngine
    from inkscope_desktop.qt.assembly import build_parts
    from inkscope_desktop.qt.widgets.images import pil_to_qimage
    from inkscope_desktop.settings import SettingsStore
    from inkscope_desktop.qt.widgets.region_selector import RegionSelector

    app = QApplication.instance() or QApplication(sys.argv[:1])
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    desktop = fake_desktop()
    saved = []
    folder = tempfile.mkdtemp(prefix="inkscope-screenshots-")
    os.environ.setdefault("INKSCOPE_DATA_DIR", folder)  # no history of the user's is shown or written

    def app_parts(has_tray: bool = False):  # the app's own parts, wired as a user gets them, with the fake engine
        store = SettingsStore(Path(folder) / "settings.json")
        parts = build_parts(store, engine=FakeEngine(), capturer=fake_capturer(desktop), has_tray=has_tray)
        parts.narration.use(replace(store.settings.speech, route="off"))  # no voice while the pictures are taken
        if has_tray:
            parts.engine_host.start()
        return parts

    for theme in ("default", "high_contrast"):
        if theme == "high_contrast":
            app.setPalette(high_contrast_palette())  # what a platform high-contrast theme hands to Qt
        parts = app_parts()
        window = parts.window
        window.add_history_entry(pil_to_qimage(desktop.resize((160, 90))), "Screen", CAPTION)
        window.add_history_entry(pil_to_qimage(desktop.crop((420, 280, 860, 440))), "Region 440x160 at 420, 280",
                                 "A dialog asks whether to save changes, with three buttons.")
        window.begin_caption("Screen")
        for word in CAPTION.split(" "):
            window.append_chunk(word + " ")
        window.finish_caption(CaptionResult(CAPTION, "p", new_tokens=61, timings=Timings(total_s=2.4)))
        window.begin_answer(QUESTION)
        window.append_chunk(ANSWER)
        window.set_status("Done: 17 tokens in 0.6 s")
        window.resize(960, 600)
        window.show()
        window.focus_caption()
        app.processEvents()
        name = f"caption_window_{theme}.png"
        window.grab().save(str(out / name))
        saved.append(name)
        if theme == "default":  # the messages: kept below the status line, which keeps its own phase
            window.notify("Inkscope ready")
            window.show_error("Speech could not be played: no audio output was found. Connect speakers or "
                              "headphones, or choose the screen reader in the speech settings.")
            window.notify("Settings saved.")
            app.processEvents()
            window.grab().save(str(out / "caption_window_messages.png"))
            saved.append("caption_window_messages.png")
            window.offer_load_retry(True)
            window.set_status("Inkscope tried to download its model, but could not reach the hub.", is_error=True)
            app.processEvents()
            window.grab().save(str(out / "caption_window_error.png"))
            saved.append("caption_window_error.png")
        window.close()

    app.setPalette(app.style().standardPalette())
    tray_parts = app_parts(has_tray=True)  # tray mode: each description shows the window, without the focus
    tray_window = tray_parts.window
    tray_window.resize(960, 600)
    tray_parts.describe.describe(desktop, "Screen")
    for _ in range(200):
        app.processEvents()
        if tray_window.status_text().startswith("Done"):
            break
        time.sleep(0.01)
    tray_window.grab().save(str(out / "caption_window_tray_mode.png"))
    saved.append("caption_window_tray_mode.png")
    tray_parts.engine_host.stop()
    tray_window.close()

    app.setPalette(app.style().standardPalette())
    menu = QMenu()  # the tray icon's context menu holds these same actions
    parts = app_parts()
    for action in parts.menu_actions:
        menu.addSeparator() if action is None else menu.addAction(action)
    menu.popup(QPoint(0, 0))
    app.processEvents()
    menu.grab().save(str(out / "tray_menu.png"))
    saved.append("tray_menu.png")
    menu.close()

    from inkscope_desktop.qt.settings_dialog.dialog import SettingsDialog
    from inkscope_desktop.settings import Settings

    from keyring.backends.fail import Keyring as NoKeyring

    from inkscope_desktop.engines.remote.api_keys import ApiKeyStore

    dialog = SettingsDialog(Settings(), voices=[("english", "English")], on_delete_history=lambda: "",
                            on_check_model=lambda _source: "", api_keys=ApiKeyStore(NoKeyring()),
                            on_check_server=lambda _remote, _key: "")
    dialog.show()
    for page, name in ((0, "settings_hotkeys.png"), (1, "settings_speech.png"), (dialog.model_page, "settings_model.png"),
                       (dialog.privacy_page, "settings_privacy.png"), (dialog.video_page, "settings_video.png"),
                       (dialog.tabs.count() - 1, "settings_window_and_start.png")):
        dialog.tabs.setCurrentIndex(page if isinstance(page, int) else dialog.tabs.indexOf(page))
        dialog.tabs.tabBar().setFocus()  # the tab row has the focus: its current tab is framed
        app.processEvents()
        dialog.grab().save(str(out / name))
        saved.append(name)
    dialog.close()

    selector = RegionSelector(desktop, (0, 0), announce_delay_ms=0)
    selector.resize(desktop.width, desktop.height)
    selector.set_region(400, 260, 480, 200)
    selector.show()
    app.processEvents()
    selector.grab().save(str(out / "region_selector.png"))
    saved.append("region_selector.png")
    selector.close()
    for name in saved:
        print(out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
