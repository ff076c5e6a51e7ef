"""Exporting the history (Ctrl+E): ask where to, then write every saved caption as Markdown or JSON."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog

from inkscope_desktop.core.errors import InkscopeError
from inkscope_desktop.history import HistoryStore, export_json, export_markdown

if TYPE_CHECKING:
    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow


def documents_folder() -> Path:
    """Where an export is offered first: the user's documents folder (their home where there is none)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder) if folder else Path.home()


class HistoryExport:
    """Owns the window's Export history… (Ctrl+E); ``store()`` is the history in use (None: history is off)."""

    def __init__(self, window: CaptionWindow, store: Callable[[], HistoryStore | None]) -> None:
        self._window = window
        self._store = store
        window.export_requested.connect(self.ask_to_export)

    def ask_to_export(self) -> None:
        """Ask where to (in the documents folder), then write every saved caption as Markdown or JSON."""
        path, _ = QFileDialog.getSaveFileName(self._window, "Export history",
                                              str(documents_folder() / "inkscope-history.md"),
                                              "Markdown (*.md);;JSON (*.json)")
        if not path:
            return
        try:
            self._window.notify(self.export(Path(path)))
        except InkscopeError as error:
            self._window.show_error(error.user_text)

    def export(self, path: Path) -> str:
        """Write every saved caption to ``path`` (JSON for .json, else Markdown); returns what to tell the user."""
        store = self._store()
        if store is None:
            raise InkscopeError("History is off, so there is nothing to export.",
                                "Turn history on in Settings, Privacy.")
        entries = store.search("", limit=None)
        text = export_json(entries) if path.suffix.lower() == ".json" else export_markdown(entries)
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise InkscopeError(f"Could not write {path} ({error.strerror or error}).",
                                "Choose another folder.") from None
        return f"Exported {len(entries)} caption{'' if len(entries) == 1 else 's'} to {path}."
