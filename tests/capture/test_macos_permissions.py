"""macOS permissions, decided from doubles of AXIsProcessTrusted and CGPreflightScreenCaptureAccess (no macOS in CI)."""

from __future__ import annotations

import pytest

from inkscope_desktop.capture import pixel_sources
from inkscope_desktop.capture.macos_permission import screen_recording_problem
from inkscope_desktop.core.errors import HotkeyError
from inkscope_desktop.hotkeys import macos_permission, support


def test_without_screen_recording_a_capture_would_show_only_the_wallpaper():
    assert screen_recording_problem(lambda: True) is None
    problem = screen_recording_problem(lambda: False)
    assert problem.message == "macOS does not let Inkscope see the screen; it would capture only the wallpaper."
    assert "Privacy & Security, Screen Recording" in problem.advice


def test_on_macos_the_screen_source_is_unavailable_without_the_permission(monkeypatch):
    from inkscope_desktop.capture import macos_permission as capture_permission

    monkeypatch.setattr(pixel_sources.sys, "platform", "darwin")
    monkeypatch.setattr(capture_permission, "core_graphics_allows_capture", lambda: False)
    monkeypatch.setattr(pixel_sources, "uses_x11", lambda: False)
    monkeypatch.setattr(capture_permission.screen_recording_problem, "__defaults__", (lambda: False,))
    problem = pixel_sources.MssPixelSource().availability_problem()
    assert problem is not None and "Screen Recording" in problem.advice


def test_without_accessibility_the_hotkeys_say_how_to_allow_them(monkeypatch):
    assert macos_permission.accessibility_problem(lambda: True) is None
    monkeypatch.setattr(macos_permission.accessibility_problem, "__defaults__", (lambda: False,))
    with pytest.raises(HotkeyError) as raised:
        support.check_hotkey_support({}, platform="darwin")
    assert raised.value.message.startswith("macOS does not let Inkscope watch the keyboard")
    assert "Accessibility and Input Monitoring" in raised.value.advice
    monkeypatch.setattr(macos_permission.accessibility_problem, "__defaults__", (lambda: True,))
    assert support.check_hotkey_support({}, platform="darwin") is None


def test_a_missing_framework_is_no_verdict():
    def fails() -> bool:
        raise OSError("no such framework")

    assert screen_recording_problem(fails) is None
    assert macos_permission.accessibility_problem(fails) is None
