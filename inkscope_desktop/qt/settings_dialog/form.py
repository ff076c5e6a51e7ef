"""Small builders for the settings dialog's tab pages: labelled rows and named combo, spin and check boxes."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QSpinBox, QWidget


def form_page(intro: str, page: QWidget | None = None) -> tuple[QWidget, QFormLayout]:
    """A page (``page``, or a new one) laid out as a form, starting with ``intro`` when there is one."""
    page = page if page is not None else QWidget()
    form = QFormLayout(page)
    if intro:
        label = QLabel(intro, wordWrap=True)
        form.addRow(label)
    return page, form


def add_row(form: QFormLayout, label: str, widget: QWidget, *, buddy: QWidget | None = None) -> None:
    text = QLabel(label)
    text.setBuddy(buddy or widget)  # Alt+letter goes there, and screen readers read the label with it
    form.addRow(text, widget)


def combo(name: str, items: Sequence[tuple[str, str]], current: str) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    for data, text in items:
        box.addItem(text, data)
    select(box, current)
    return box


def select(box: QComboBox, data: str) -> None:
    index = box.findData(data)
    box.setCurrentIndex(index if index >= 0 else 0)


def spin(name: str, low: int, high: int, value: int) -> QSpinBox:
    box = QSpinBox(minimum=low, maximum=high, value=value)
    box.setAccessibleName(name)
    return box


def check(text: str, checked: bool) -> QCheckBox:
    box = QCheckBox(text)
    box.setChecked(checked)
    box.setAccessibleName(text)
    return box
