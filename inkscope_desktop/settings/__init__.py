"""User settings: the typed schema, the JSON file in the config folder behind ``SettingsStore``, and start at login.

Plain Python (no Qt): the settings dialog in ``inkscope_desktop.qt`` edits these objects and hands them to the
store. See each module's docstring for its threading rules.
"""

from inkscope_desktop.settings.schema import (SCHEMA_VERSION, HotkeySettings, ModelSettings, PrivacySettings,
                                              PromptSettings, RemoteSettings, Settings, SpeechSettings,
                                              StartupSettings, VideoSettings, WindowSettings,
                                              find_conflicts)
from inkscope_desktop.settings.store import ReadResult, SettingsStore

__all__ = [
    "SCHEMA_VERSION",
    "HotkeySettings",
    "ModelSettings",
    "PrivacySettings",
    "PromptSettings",
    "RemoteSettings",
    "ReadResult",
    "Settings",
    "SettingsStore",
    "SpeechSettings",
    "StartupSettings",
    "VideoSettings",
    "WindowSettings",
    "find_conflicts",
]
