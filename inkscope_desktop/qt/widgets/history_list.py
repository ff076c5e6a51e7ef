"""The caption window's history list: this session's captions, newest first, each selectable to re-read."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

#: Words of a caption shown in its history row.
FIRST_WORDS = 12
#: Side of a history thumbnail, in device-independent pixels (scaled with the font by the style).
THUMBNAIL_SIDE = 48

_INDEX_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class HistoryEntry:
    """One finished caption: where its image came from and the whole text."""

    source_label: str
    caption: str


class HistoryList(QListWidget):
    """Rows of "source: first words…" with a thumbnail; Enter or a double-click picks one.

    ``entry_chosen(index)`` gives the entry's index in the order entries were added (0 = the first of the
    session), whatever row it is shown in; ``entry(index)`` returns it.
    """

    entry_chosen = Signal(int)
    entry_deleted = Signal(int)  # Delete pressed on an entry: its row is gone, its index stays unused

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries: list[HistoryEntry] = []
        self.setAccessibleName("History")
        self.setAccessibleDescription(
            "Earlier captions, newest first. Arrow keys move between them; Enter shows one again "
            "in the caption area; Delete removes one.")
        self.setIconSize(QSize(THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        self.setUniformItemSizes(False)
        self.setWordWrap(True)
        self.setAcceptDrops(False)
        self.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
        self.itemActivated.connect(self._chosen)  # Enter, double-click (single click where the style says)

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, index: int) -> HistoryEntry:
        return self._entries[index]

    def add_entry(self, thumbnail: QImage | None, source_label: str, caption: str) -> int:
        """Add a caption at the top of the list; returns its index."""
        index = len(self._entries)
        self._entries.append(HistoryEntry(source_label, caption))
        item = QListWidgetItem(summary(source_label, caption))
        item.setData(_INDEX_ROLE, index)
        item.setToolTip(caption)
        if thumbnail is not None and not thumbnail.isNull():
            scaled = thumbnail.scaled(THUMBNAIL_SIDE * 2, THUMBNAIL_SIDE * 2, Qt.AspectRatioMode.KeepAspectRatio,
                                      Qt.TransformationMode.SmoothTransformation)
            item.setIcon(QIcon(QPixmap.fromImage(scaled)))
        self.insertItem(0, item)
        if not self.hasFocus():  # a reader browsing the list keeps their place
            self.setCurrentRow(0)
        return index

    def set_filter(self, text: str) -> int:
        """Show only entries whose source or caption contains ``text`` (any case); returns how many show."""
        needle = " ".join(text.split()).casefold()
        shown = 0
        for row in range(self.count()):
            item = self.item(row)
            entry = self._entries[int(item.data(_INDEX_ROLE))]
            matches = not needle or needle in f"{entry.source_label} {entry.caption}".casefold()
            item.setHidden(not matches)
            shown += matches
        return shown

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        item = self.currentItem()
        if event.key() == Qt.Key.Key_Delete and item is not None:
            index = int(item.data(_INDEX_ROLE))
            self.takeItem(self.row(item))
            self.entry_deleted.emit(index)
            return
        super().keyPressEvent(event)

    def choose_row(self, row: int) -> None:
        """Pick the entry shown in ``row``, as Enter would."""
        item = self.item(row)
        if item is not None:
            self.setCurrentItem(item)
            self._chosen(item)

    def _chosen(self, item: QListWidgetItem) -> None:
        self.entry_chosen.emit(int(item.data(_INDEX_ROLE)))


def summary(source_label: str, caption: str) -> str:
    """One line for a history row: the source and the caption's first words."""
    words = caption.split()
    first = " ".join(words[:FIRST_WORDS]) + ("…" if len(words) > FIRST_WORDS else "")
    source = " ".join(source_label.split()) or "Image"
    return f"{source}: {first}" if first else source
