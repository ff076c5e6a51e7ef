"""Where settings and history live: the platform's config and data folders, or folders named in the environment.

Each function reads the environment when called (never at import), so tests and portable installs can point
``INKSCOPE_CONFIG_DIR`` and ``INKSCOPE_DATA_DIR`` elsewhere. Nothing here creates a folder. Safe from any thread.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The folder name under the platform's config and data folders.
APP_NAME = "inkscope-desktop"
#: Environment variables that replace the platform folders (tests, portable installs, support).
CONFIG_DIR_ENV = "INKSCOPE_CONFIG_DIR"
DATA_DIR_ENV = "INKSCOPE_DATA_DIR"

SETTINGS_FILE = "settings.json"
HISTORY_FILE = "history.sqlite3"


def config_dir() -> Path:
    """``$INKSCOPE_CONFIG_DIR``, else ``~/.config/inkscope-desktop`` (XDG), ``%LOCALAPPDATA%\\inkscope-desktop``
    or ``~/Library/Application Support/inkscope-desktop``."""
    override = os.environ.get(CONFIG_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs

    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    """``$INKSCOPE_DATA_DIR``, else ``~/.local/share/inkscope-desktop`` (XDG), ``%LOCALAPPDATA%\\inkscope-desktop``
    or ``~/Library/Application Support/inkscope-desktop``."""
    override = os.environ.get(DATA_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def settings_path() -> Path:
    """The settings file, ``settings.json`` in :func:`config_dir`."""
    return config_dir() / SETTINGS_FILE


def history_path() -> Path:
    """The history database, ``history.sqlite3`` in :func:`data_dir`."""
    return data_dir() / HISTORY_FILE
