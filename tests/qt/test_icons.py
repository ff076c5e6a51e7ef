"""Tests for the shipped icons, the .desktop file and the icon/contrast helpers in inkscope_desktop.qt.widgets.icons."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any PySide6 import; tests/qt/conftest.py does the same

import configparser
import itertools
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageChops
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage

from inkscope_desktop.core.actions import Action
from inkscope_desktop.qt.widgets.icons import ICON_SIZES, IconState, app_icon, icon_paths, prefers_high_contrast, resources_dir

VARIANTS = (False, True)
ALL_ICONS = list(itertools.product(IconState, VARIANTS))
RESOURCES_BUDGET_BYTES = 1_000_000


def _variant_id(value: object) -> str:
    if isinstance(value, bool):
        return "high-contrast" if value else "normal"
    return str(getattr(value, "value", value))


def _alpha_mask(path: Path) -> Image.Image:
    """Which pixels are mostly opaque: the silhouette, whatever the colours."""
    with Image.open(path) as image:
        return image.convert("RGBA").getchannel("A").point(lambda a: 255 if a >= 128 else 0)


def test_resources_dir_is_the_checkout_folder_in_a_source_tree() -> None:
    found = resources_dir()
    assert (found / "icons").is_dir()
    assert found == Path(__file__).resolve().parents[2] / "resources"


@pytest.mark.parametrize(("state", "high_contrast"), ALL_ICONS, ids=_variant_id)
def test_every_state_and_variant_has_an_svg_and_every_png_size(state: IconState, high_contrast: bool) -> None:
    svg, pngs = icon_paths(state, high_contrast=high_contrast)
    assert svg.is_file(), svg
    root = ElementTree.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("viewBox") == "0 0 32 32"
    assert sorted(pngs) == sorted(ICON_SIZES)
    for size, png in pngs.items():
        assert png.is_file(), png
        with Image.open(png) as image:
            image.load()
            assert image.format == "PNG"
            assert image.size == (size, size), png
            assert "A" in image.getbands(), f"{png} has no alpha channel"
            alpha = image.getchannel("A")
            low, high = alpha.getextrema()
            assert low == 0 and high == 255, f"{png} should have transparent corners and an opaque mark"


def _changed_pixels(first: Image.Image, second: Image.Image) -> int:
    return ImageChops.difference(first, second).histogram()[255]


@pytest.mark.parametrize("high_contrast", VARIANTS, ids=_variant_id)
@pytest.mark.parametrize("size", [16, 22, 32])
def test_the_states_differ_in_silhouette(size: int, high_contrast: bool) -> None:
    """The alpha masks alone (no colour at all) tell the four states apart."""
    masks = {state: _alpha_mask(icon_paths(state, high_contrast=high_contrast)[1][size]) for state in IconState}
    at_least = size * size // 40  # 6 pixels at 16 px; the closest pair (working/error) changes 10-11
    for first, second in itertools.combinations(IconState, 2):
        changed = _changed_pixels(masks[first], masks[second])
        assert changed >= at_least, f"{first.value} and {second.value} share a silhouette at {size} px ({changed})"


@pytest.mark.parametrize("background", [(255, 255, 255), (0, 0, 0)], ids=["on-white", "on-black"])
@pytest.mark.parametrize("high_contrast", VARIANTS, ids=_variant_id)
@pytest.mark.parametrize("size", [16, 22, 32])
def test_the_states_differ_in_greyscale_on_light_and_dark_panels(size: int, high_contrast: bool,
                                                               background: tuple[int, int, int]) -> None:
    """What someone who sees no hue gets: the badges' light/dark pattern differs, on either panel colour."""
    patterns = {state: _greyscale_pattern(icon_paths(state, high_contrast=high_contrast)[1][size], background)
                for state in IconState}
    at_least = size * size // 20  # 12 pixels at 16 px
    for first, second in itertools.combinations(IconState, 2):
        changed = _changed_pixels(patterns[first], patterns[second])
        assert changed >= at_least, f"{first.value} and {second.value} look alike at {size} px ({changed})"


def _greyscale_pattern(path: Path, background: tuple[int, int, int]) -> Image.Image:
    with Image.open(path) as image:
        panel = Image.new("RGBA", image.size, (*background, 255))
        panel.alpha_composite(image.convert("RGBA"))
    return panel.convert("L").point(lambda v: 255 if v >= 128 else 0)


def test_the_high_contrast_variant_uses_only_black_white_and_yellow() -> None:
    allowed = np.array([(0, 0, 0), (255, 255, 255), (255, 255, 0)])
    for state in IconState:
        with Image.open(icon_paths(state, high_contrast=True)[1][256]) as image:
            rgba = np.asarray(image.convert("RGBA")).reshape(-1, 4)
        opaque = rgba[rgba[:, 3] == 255, :3]
        is_allowed = (opaque[:, None, :] == allowed[None, :, :]).all(axis=2).any(axis=1)
        # Antialiased edges blend the three colours; everything else must be exactly one of them.
        assert is_allowed.mean() > 0.9, f"{state.value}: {is_allowed.mean():.2f} of opaque pixels"


def test_all_icon_resources_stay_small() -> None:
    icons = resources_dir() / "icons"
    total = sum(path.stat().st_size for pattern in ("*.svg", "png/*/*.png") for path in icons.glob(pattern))
    assert total < RESOURCES_BUDGET_BYTES, f"{total} bytes"


@pytest.mark.parametrize(("state", "high_contrast"), ALL_ICONS, ids=_variant_id)
def test_app_icon_uses_the_shipped_png_at_every_size_and_scales_between(qapp, state: IconState,
                                                                        high_contrast: bool) -> None:
    icon = app_icon(state, high_contrast=high_contrast)
    assert not icon.isNull()
    _, pngs = icon_paths(state, high_contrast=high_contrast)
    for size, png in pngs.items():
        pixmap = icon.pixmap(QSize(size, size))
        assert pixmap.size() == QSize(size, size)
        shipped = QImage(str(png)).convertToFormat(QImage.Format.Format_ARGB32)
        assert pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32) == shipped, f"not the PNG at {size}"
    for odd_size in (20, 40, 512):  # no PNG: drawn from the SVG, not upscaled from a PNG
        assert icon.pixmap(QSize(odd_size, odd_size)).size() == QSize(odd_size, odd_size)


def test_app_icon_defaults_to_the_normal_idle_icon(qapp) -> None:
    expected = app_icon(IconState.IDLE, high_contrast=False).pixmap(QSize(32, 32)).toImage()
    assert app_icon().pixmap(QSize(32, 32)).toImage() == expected


def test_the_theme_icon_named_in_the_desktop_file_is_shipped() -> None:
    icons = resources_dir() / "icons"
    assert (icons / "inkscope-desktop.svg").read_bytes() == (icons / "inkscope-idle.svg").read_bytes()
    for size in ICON_SIZES:
        assert (icons / "png" / str(size) / "inkscope-desktop.png").is_file()


def _desktop_entry() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read(resources_dir() / "inkscope-desktop.desktop", encoding="utf-8")
    return parser


def test_the_desktop_file_launches_the_app_and_its_actions_are_real_trigger_actions() -> None:
    entry = _desktop_entry()
    main = entry["Desktop Entry"]
    assert main["Type"] == "Application" and main["Name"] == "Inkscope Desktop"
    assert main["Exec"] == "inkscope-desktop" and main["Icon"] == "inkscope-desktop"
    assert main["Categories"] == "Utility;Accessibility;"
    action_ids = [name for name in main["Actions"].split(";") if name]
    assert "describe-screen" in action_ids
    for action_id in action_ids:
        section = entry[f"Desktop Action {action_id}"]
        assert section["Exec"] == f"inkscope-desktop trigger {action_id}"
        assert Action.parse(action_id).value == action_id


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate not installed (Debian/Ubuntu: apt-get install desktop-file-utils)")
def test_the_desktop_file_passes_desktop_file_validate() -> None:
    result = subprocess.run(["desktop-file-validate", str(resources_dir() / "inkscope-desktop.desktop")],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_prefers_high_contrast_answers_a_bool_without_raising(qapp) -> None:
    assert isinstance(prefers_high_contrast(), bool)


def test_prefers_high_contrast_answers_without_a_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert isinstance(prefers_high_contrast(), bool)


def _fake_gsettings(folder: Path, script: str) -> None:
    tool = folder / "gsettings"
    tool.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    tool.chmod(0o755)


@pytest.mark.skipif(os.name != "posix" or sys.platform == "darwin", reason="the GNOME fallback is for Linux/BSD")
@pytest.mark.parametrize(("script", "expected"), [
    ('[ "$3" = high-contrast ] && echo true || echo "\'Adwaita\'"', True),
    ('[ "$3" = high-contrast ] && echo false || echo "\'HighContrast\'"', True),
    ('[ "$3" = high-contrast ] && echo false || echo "\'Adwaita\'"', False),
    ('echo "No such schema" >&2; exit 1', False),
])
def test_the_gnome_settings_fallback(qapp, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, script: str,
                                     expected: bool) -> None:
    _fake_gsettings(tmp_path, script)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("DISPLAY", ":99")
    assert prefers_high_contrast() is expected


def _load_render_script():
    import importlib.util

    path = resources_dir() / "icons" / "render_icons.py"
    spec = importlib.util.spec_from_file_location("render_icons", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is created
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_the_committed_svgs_are_what_the_render_script_writes() -> None:
    render_icons = _load_render_script()
    for state, high_contrast in ALL_ICONS:
        svg, _ = icon_paths(state, high_contrast=high_contrast)
        assert svg.read_text(encoding="utf-8") == render_icons.svg_text(state.value, high_contrast), (
            f"{svg.name} is stale: run python resources/icons/render_icons.py")


def test_the_pillow_fallback_draws_the_same_shapes(tmp_path: Path) -> None:
    render_icons = _load_render_script()
    assert render_icons.main(["--pil", "--out", str(tmp_path)]) == 0
    for state, high_contrast in ALL_ICONS:
        _, pngs = icon_paths(state, high_contrast=high_contrast)
        for size in (32, 64):
            drawn = tmp_path / "png" / str(size) / pngs[size].name
            changed = _changed_pixels(_alpha_mask(drawn), _alpha_mask(pngs[size]))
            # Edge pixels round differently (17 and 60 at most); two states differ by 34 and 145 or more.
            assert changed <= size * size // 40, f"{drawn.name} at {size} px: {changed} pixels differ"
