"""Starting the app at login: an XDG autostart entry (Linux and other Unix desktops), the HKCU Run key
(Windows), or a LaunchAgent (macOS).

``set_start_at_login(enabled)`` makes the system match the setting; ``is_start_at_login_enabled()`` reads the
system back (the user may have removed the entry in the desktop's own settings). Each call touches one small
file or registry value; call from the GUI thread or any other, but not from two at once for the same entry.
Failures are a SettingsError with advice.
"""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from inkscope_desktop.core.errors import SettingsError
from inkscope_desktop.settings.files import write_atomically

APP_COMMAND = "inkscope-desktop"
#: The gui-script that starts the tray app with no console window (Windows).
GUI_APP_COMMAND = "inkscope-desktop-app"
DESKTOP_FILE = "inkscope-desktop.desktop"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = "Inkscope Desktop"
LAUNCH_AGENT_LABEL = "org.inkscope.desktop"

#: Characters that make an Exec argument need quotes (Desktop Entry Specification, "The Exec key").
_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
_ADVICE = "Check that your home folder is writable, or turn Start at login off."


class Autostart(ABC):
    """One platform's way of starting a command at login."""

    #: Where the entry lives, for messages ("~/.config/autostart/inkscope-desktop.desktop").
    location: str = ""

    @abstractmethod
    def is_enabled(self) -> bool:
        """Whether the system will start the app at the next login."""

    @abstractmethod
    def enable(self, command: Sequence[str]) -> None:
        """Start ``command`` at login (replacing an older entry, so a moved install is picked up)."""

    @abstractmethod
    def disable(self) -> None:
        """Start nothing at login; a no-op when nothing was set up."""


class XdgAutostart(Autostart):
    """``$XDG_CONFIG_HOME/autostart/inkscope-desktop.desktop`` (freedesktop.org Desktop Application Autostart)."""

    def __init__(self, config_home: Path | None = None) -> None:
        self.path = (config_home or xdg_config_home()) / "autostart" / DESKTOP_FILE
        self.location = str(self.path)

    def is_enabled(self) -> bool:
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
        entries = dict(line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#"))
        return (entries.get("Hidden", "").strip().lower() != "true"
                and entries.get("X-GNOME-Autostart-enabled", "true").strip().lower() != "false")

    def enable(self, command: Sequence[str]) -> None:
        text = "\n".join([
            "[Desktop Entry]",
            "Type=Application",
            "Name=Inkscope Desktop",
            "Comment=Describes the screen aloud with a local vision model",
            f"Exec={desktop_exec(command)}",
            "Icon=inkscope-desktop",
            "Terminal=false",
            "X-GNOME-Autostart-enabled=true",
            "",
        ])
        _guarded(lambda: write_atomically(self.path, text), f"write {self.path}")

    def disable(self) -> None:
        _guarded(lambda: self.path.unlink(missing_ok=True), f"remove {self.path}")


class WindowsRunKey(Autostart):
    """The ``Inkscope Desktop`` value of ``HKEY_CURRENT_USER\\...\\CurrentVersion\\Run``.

    ``registry`` is the ``winreg`` module (imported when first needed), or a stand-in with the same calls.
    """

    location = f"HKEY_CURRENT_USER\\{RUN_KEY}\\{RUN_VALUE}"

    def __init__(self, registry: ModuleType | Any | None = None) -> None:
        self._registry = registry

    @property
    def registry(self) -> Any:
        if self._registry is None:
            import winreg  # Windows only

            self._registry = winreg
        return self._registry

    def is_enabled(self) -> bool:
        reg = self.registry
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_READ) as key:
                value, _kind = reg.QueryValueEx(key, RUN_VALUE)
        except OSError:
            return False
        return bool(str(value).strip())

    def enable(self, command: Sequence[str]) -> None:
        reg = self.registry

        def set_value() -> None:
            with reg.CreateKeyEx(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
                reg.SetValueEx(key, RUN_VALUE, 0, reg.REG_SZ, subprocess.list2cmdline(list(command)))

        _guarded(set_value, f"set {self.location}")

    def disable(self) -> None:
        reg = self.registry

        def delete_value() -> None:
            try:
                with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
                    reg.DeleteValue(key, RUN_VALUE)
            except FileNotFoundError:
                pass  # no key or no value: nothing starts at login already

        _guarded(delete_value, f"remove {self.location}")


class LaunchAgent(Autostart):
    """``~/Library/LaunchAgents/org.inkscope.desktop.plist``, loaded by launchd at the next login."""

    def __init__(self, home: Path | None = None) -> None:
        self.path = (home or Path.home()) / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"
        self.location = str(self.path)

    def is_enabled(self) -> bool:
        try:
            agent = plistlib.loads(self.path.read_bytes())
        except (OSError, plistlib.InvalidFileException, ValueError):
            return False
        return bool(agent.get("RunAtLoad")) and not agent.get("Disabled", False)

    def enable(self, command: Sequence[str]) -> None:
        agent = {
            "Label": LAUNCH_AGENT_LABEL,
            "ProgramArguments": list(command),
            "RunAtLoad": True,
            "ProcessType": "Interactive",
            "LimitLoadToSessionType": "Aqua",
        }
        _guarded(lambda: write_atomically(self.path, plistlib.dumps(agent)), f"write {self.path}")

    def disable(self) -> None:
        _guarded(lambda: self.path.unlink(missing_ok=True), f"remove {self.path}")


def autostart_for(platform: str | None = None) -> Autostart:
    """This platform's autostart mechanism (XDG on Linux and the BSDs)."""
    platform = platform or sys.platform
    if platform == "win32":
        return WindowsRunKey()
    if platform == "darwin":
        return LaunchAgent()
    return XdgAutostart()


def launch_command(platform: str | None = None, executable: str | None = None) -> list[str]:
    """How to start the tray app: the ``inkscope-desktop`` script beside this Python (a virtual environment's
    bin folder), else the one on PATH, else ``python -m inkscope_desktop``. On Windows the gui-script
    ``inkscope-desktop-app.exe`` (or ``pythonw.exe -m inkscope_desktop``) comes first, so no console window
    opens at login."""
    platform = platform or sys.platform
    python = Path(executable or sys.executable)
    if platform == "win32":
        gui_script = python.parent / f"{GUI_APP_COMMAND}.exe"
        if gui_script.is_file():
            return [str(gui_script)]
        pythonw = python.with_name("pythonw.exe")
        if pythonw.is_file():
            return [str(pythonw), "-m", "inkscope_desktop"]
    script_name = APP_COMMAND + (".exe" if platform == "win32" else "")
    beside = python.parent / script_name
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which(APP_COMMAND)
    return [found] if found else [str(python), "-m", "inkscope_desktop"]


def set_start_at_login(enabled: bool, autostart: Autostart | None = None,
                       command: Sequence[str] | None = None) -> None:
    """Make the system start the app at login, or not, as the Start at login setting says."""
    autostart = autostart or autostart_for()
    if enabled:
        autostart.enable(command or launch_command())
    else:
        autostart.disable()


def is_start_at_login_enabled(autostart: Autostart | None = None) -> bool:
    return (autostart or autostart_for()).is_enabled()


def xdg_config_home() -> Path:
    """``$XDG_CONFIG_HOME`` when it is an absolute path (as the spec requires), else ``~/.config``."""
    value = os.environ.get("XDG_CONFIG_HOME", "")
    return Path(value) if value and os.path.isabs(value) else Path.home() / ".config"


def desktop_exec(command: Sequence[str]) -> str:
    """``command`` as the value of a desktop entry's Exec key: arguments quoted where needed, ``%`` doubled,
    then backslashes escaped once more for the string value (so a literal backslash is written as four)."""
    if not command:
        raise ValueError("empty command")
    parts = []
    for argument in command:
        if "\n" in argument or "\r" in argument:
            raise SettingsError(f"The command {argument!r} cannot go in an autostart entry.",
                                "Install Inkscope Desktop in a folder without line breaks in its name.")
        if any(char in _EXEC_RESERVED for char in argument) or not argument:
            escaped = "".join("\\" + char if char in '"`$\\' else char for char in argument)
            argument = f'"{escaped}"'
        parts.append(argument.replace("%", "%%"))
    return " ".join(parts).replace("\\", "\\\\")


def _guarded(operation: Callable[[], object], what: str) -> None:
    try:
        operation()
    except OSError as error:
        raise SettingsError(f"Start at login could not {what} ({error.strerror or error}).", _ADVICE) from None
