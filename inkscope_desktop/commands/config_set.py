"""``inkscope-desktop config set GROUP.NAME VALUE``: change one setting in the file, checked as the app checks it."""

from __future__ import annotations

import json
from typing import Any

from inkscope_desktop.core.errors import SettingsError
from inkscope_desktop.settings.codec import from_dict, to_dict
from inkscope_desktop.settings.store import SettingsStore


def parse_value(text: str) -> Any:
    """JSON where the text is JSON (true, 12, null, "quoted", [..]); otherwise the text itself, so a Windows
    path such as C:\\nvda\\client.dll needs no quotes."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def set_setting(store: SettingsStore, key: str, text: str) -> str:
    """Write ``key`` = ``text`` into the settings file; the one-line confirmation. SettingsError for an unknown key
    or a value the setting does not take (the file is then left as it was)."""
    settings = store.settings
    data = to_dict(settings)
    group, _, name = key.partition(".")
    if group not in data or not isinstance(data[group], dict) or not name:
        groups = ", ".join(sorted(k for k, v in data.items() if isinstance(v, dict)))
        raise SettingsError(f"There is no setting {key!r}.", f"Name it as GROUP.NAME; the groups are: {groups}.")
    if name not in data[group] and group != "hotkeys":
        raise SettingsError(f"The {group} settings have no {name!r}.",
                            f"They are: {', '.join(sorted(data[group]))}.")
    data[group][name] = parse_value(text)
    problems: list[str] = []
    new = from_dict(data, problems)
    if problems:
        raise SettingsError(problems[0].rstrip("."), "The settings file was not changed.")
    store.save(new)
    return f"{key} is set. A running Inkscope uses it after it is started again."
