"""The settings dialog's Video tab: read back, checked on OK, restored to defaults, named and reachable by keyboard."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QLabel

from inkscope_desktop.qt.settings_dialog.dialog import SettingsDialog
from inkscope_desktop.qt.settings_dialog.video_page import PRIVACY_NOTE
from inkscope_desktop.settings import Settings, VideoSettings


@pytest.fixture
def dialog(qtbot):
    made = SettingsDialog(Settings())
    qtbot.addWidget(made)
    made.show()
    made.tabs.setCurrentWidget(made.video_page)
    return made


def test_the_video_tab_shows_and_reads_back_every_setting(dialog):
    page = dialog.video_page
    assert dialog.tabs.tabText(dialog.tabs.indexOf(page)) == "&Video"
    assert page.settings() == VideoSettings()
    page.fps.setValue(0.5)
    page.max_frames.setValue(32)
    page.frame_pixels.setValue(200_000)
    page.segment_s.setValue(30)
    page.recent_seconds.setValue(20)
    page.recent_fps.setValue(1.0)
    page.keep_recent.setChecked(True)
    expected = VideoSettings(0.5, 32, 200_000, 30, 20, 1.0, True)
    assert dialog.settings() == dataclasses.replace(Settings(), video=expected)
    dialog._restore_defaults()
    assert dialog.settings().video == VideoSettings()


def test_a_recording_too_large_for_memory_keeps_the_dialog_open_with_advice(dialog):
    page = dialog.video_page
    page.recent_seconds.setValue(120)
    page.recent_fps.setValue(10.0)
    page.frame_pixels.setValue(page.frame_pixels.maximum())
    dialog.accept()
    assert dialog.isVisible() and dialog.result_settings is None
    assert dialog.message.startswith("Error: The screen recording would hold up to")
    assert "Record fewer seconds" in dialog.message


def test_every_control_is_named_labelled_and_reachable_by_keyboard(dialog):
    page = dialog.video_page
    controls = page.findChildren(QAbstractSpinBox) + page.findChildren(QCheckBox)
    assert len(controls) == 7
    for control in controls:
        assert control.accessibleName(), control
        assert control.focusPolicy() & Qt.FocusPolicy.TabFocus, control
    labels = [label for label in page.findChildren(QLabel) if label.buddy() is not None]
    assert {label.buddy() for label in labels} == set(page.findChildren(QAbstractSpinBox))
    keys = [label.text().split("&")[1][0].lower() for label in labels] + ["k"]  # k: the check box
    tabs = [dialog.tabs.tabText(i).split("&")[1][0].lower() for i in range(dialog.tabs.count())]
    assert len(set(keys)) == len(keys) and not set(keys) & set(tabs)  # no Alt+letter clash
    assert any(label.text() == PRIVACY_NOTE for label in page.findChildren(QLabel))
    assert "memory only" in PRIVACY_NOTE and "never written to disk" in PRIVACY_NOTE
