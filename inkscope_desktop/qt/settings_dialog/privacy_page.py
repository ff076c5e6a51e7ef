"""The settings dialog's Privacy tab: whether captions are kept, with thumbnails, for how long; delete them all."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton, QWidget

from inkscope_desktop.qt.settings_dialog.form import add_row, check, form_page, spin
from inkscope_desktop.settings import PrivacySettings

INTRO = ("Nothing leaves this computer. Screenshots are saved only as history thumbnails, and only when that is on. "
         "The images of this session's last captions stay in memory, so that you can ask about a caption you pick "
         "in the history; they are never written to disk.")


class PrivacySettingsPage(QWidget):
    """Edits a ``PrivacySettings``; ``on_delete_history()`` (if given) backs a button that deletes the saved history
    at once and returns a line that ``tell(text)`` shows."""

    def __init__(self, settings: PrivacySettings, *, on_delete_history: Callable[[], str] | None = None,
                 tell: Callable[[str], None] = lambda text: None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _, form = form_page(INTRO, self)
        self.history = check("Keep a history of captions", settings.history)
        self.thumbnails = check("Keep small thumbnails of described images in the history", settings.thumbnails)
        self.retention_days = spin("Keep history for days (0: no limit)", 0, 36_500, settings.retention_days)
        self.max_entries = spin("Keep at most this many captions (0: no limit)", 0, 1_000_000, settings.max_entries)
        self.kept_images = spin("Images kept in memory for questions (0: none)", 0, 500, settings.kept_images)
        self.kept_images_mb = spin("Memory for those images, in MB", 16, 8192, settings.kept_images_mb)
        form.addRow(self.history)
        form.addRow(self.thumbnails)
        add_row(form, "Keep for &days (0: no limit)", self.retention_days)
        add_row(form, "Keep at m&ost (captions, 0: no limit)", self.max_entries)
        add_row(form, "Images &kept in memory for questions (0: none)", self.kept_images)
        add_row(form, "Memory for those ima&ges (MB)", self.kept_images_mb)
        if on_delete_history is not None:
            delete = QPushButton("D&elete all history now")
            delete.clicked.connect(lambda: tell(on_delete_history()))
            form.addRow(delete)

    def show_settings(self, settings: PrivacySettings) -> None:
        """Put ``settings`` in the controls (for Restore Defaults)."""
        self.history.setChecked(settings.history)
        self.thumbnails.setChecked(settings.thumbnails)
        self.retention_days.setValue(settings.retention_days)
        self.max_entries.setValue(settings.max_entries)
        self.kept_images.setValue(settings.kept_images)
        self.kept_images_mb.setValue(settings.kept_images_mb)

    def settings(self) -> PrivacySettings:
        """The settings the controls show; SettingsError (one line) for a value that cannot be used."""
        return PrivacySettings(self.history.isChecked(), self.thumbnails.isChecked(),
                               self.retention_days.value(), self.max_entries.value(), self.kept_images.value(),
                               self.kept_images_mb.value())
