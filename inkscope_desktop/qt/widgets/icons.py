"""The app and tray icons per state, where resources/ is, and whether the desktop asks for high contrast."""

from __future__ import annotations

import logging
import os
import shutil
import site
import subprocess
import sys
import sysconfig
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon

logger = logging.getLogger(__name__)

#: The PNG renders shipped under resources/icons/png/<size>/.
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
#: The icon-theme name used by the .desktop file (installed into hicolor by a wheel; see resources_dir).
THEME_ICON_NAME = "inkscope-desktop"
#: Folder name under <prefix>/share/ when installed from a wheel.
SHARE_NAME = "inkscope-desktop"


class IconState(str, Enum):
    """What the app is doing, as the tray shows it: each state has a badge of its own shape."""

    IDLE = "idle"
    LOADING = "loading"
    WORKING = "working"
    ERROR = "error"


def resource_candidates() -> list[Path]:
    """Where resources/ may be, most specific first: a source checkout or editable install, then wheel data."""
    checkout = Path(__file__).resolve().parents[3] / "resources"
    data_roots = [Path(sysconfig.get_path("data")), Path(sys.prefix)]
    try:
        data_roots.append(Path(site.getuserbase()))
    except (AttributeError, OSError):  # embedded or frozen interpreters may lack a user base
        pass
    candidates = [checkout] + [root / "share" / SHARE_NAME for root in data_roots]
    return list(dict.fromkeys(candidates))


def resources_dir() -> Path:
    """The folder holding icons/ (and the .desktop file in a checkout); FileNotFoundError with advice if none."""
    candidates = resource_candidates()
    for candidate in candidates:
        if (candidate / "icons").is_dir():
            return candidate
    looked = ", ".join(str(path) for path in candidates)
    raise FileNotFoundError(f"Inkscope's icons were not found (looked in {looked}). Reinstall inkscope-desktop, "
                            "or run it from a source checkout that has the resources/ folder.")


def icon_paths(state: IconState, *, high_contrast: bool) -> tuple[Path, dict[int, Path]]:
    """The SVG and the PNG for each size, for one state and variant (paths may not exist in a broken install)."""
    icons = resources_dir() / "icons"
    name = f"inkscope-{IconState(state).value}{'-high-contrast' if high_contrast else ''}"
    return icons / f"{name}.svg", {size: icons / "png" / str(size) / f"{name}.png" for size in ICON_SIZES}


def app_icon(state: IconState = IconState.IDLE, *, high_contrast: bool = False) -> QIcon:
    """The icon for a state: the hand-checked PNG at each shipped size, the SVG for any other size.

    Missing files are logged, not raised: the app then shows the theme icon (if installed) rather than not starting.
    """
    try:
        svg, pngs = icon_paths(state, high_contrast=high_contrast)
    except FileNotFoundError as error:
        logger.warning("%s", error)
        return QIcon.fromTheme(THEME_ICON_NAME)
    icon = QIcon()
    if svg.is_file():
        icon.addFile(str(svg))  # first, so Qt picks its SVG icon engine, which scales to sizes without a PNG
    for size, png in pngs.items():
        if png.is_file():
            icon.addFile(str(png), QSize(size, size))
    if icon.isNull():
        logger.warning("No icon files for %s in %s; reinstall inkscope-desktop.", state, svg.parent)
        return QIcon.fromTheme(THEME_ICON_NAME)
    return icon


def prefers_high_contrast() -> bool:
    """Whether the platform asks for high contrast: Qt first (6.10+), then Windows, then GNOME; False on any doubt."""
    return _qt_high_contrast() or _windows_high_contrast() or _gnome_high_contrast()


def _qt_high_contrast() -> bool:
    try:
        if QGuiApplication.instance() is None:
            return False
        hints = QGuiApplication.styleHints().accessibility()  # QAccessibilityHints, Qt 6.10+
        return hints.contrastPreference() == Qt.ContrastPreference.HighContrast
    except Exception:  # noqa: BLE001 - older Qt without accessibility(), or a plug-in that does not answer
        return False


def _windows_high_contrast() -> bool:
    if sys.platform != "win32":
        return False
    try:
        import ctypes
        from ctypes import wintypes

        class HIGHCONTRASTW(ctypes.Structure):
            _fields_ = [("cbSize", wintypes.UINT), ("dwFlags", wintypes.DWORD),
                        ("lpszDefaultScheme", wintypes.LPWSTR)]

        spi_get_high_contrast, hcf_high_contrast_on = 0x0042, 0x0001
        info = HIGHCONTRASTW()
        info.cbSize = ctypes.sizeof(info)
        if not ctypes.windll.user32.SystemParametersInfoW(spi_get_high_contrast, info.cbSize, ctypes.byref(info), 0):
            return False
        return bool(info.dwFlags & hcf_high_contrast_on)
    except Exception:  # noqa: BLE001 - no answer from Windows: the normal icons
        return False


def _gnome_high_contrast() -> bool:
    if sys.platform in ("win32", "darwin") or not os.environ.get("DISPLAY", os.environ.get("WAYLAND_DISPLAY")):
        return False
    gsettings = shutil.which("gsettings")
    if gsettings is None:
        return False
    checks = (("org.gnome.desktop.a11y.interface", "high-contrast"), ("org.gnome.desktop.interface", "gtk-theme"))
    for schema, key in checks:
        try:
            result = subprocess.run([gsettings, "get", schema, key], capture_output=True, text=True, timeout=1.0,
                                    check=False)
        except (OSError, subprocess.SubprocessError):
            return False
        value = result.stdout.strip().strip("'").lower()
        if result.returncode == 0 and (value == "true" or "highcontrast" in value):
            return True
    return False
