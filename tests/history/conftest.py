"""Every history test gets private config and data folders (never the real ones)."""

from __future__ import annotations

from pathlib import Path

import pytest

from inkscope_desktop.settings.paths import CONFIG_DIR_ENV, DATA_DIR_ENV


@pytest.fixture(autouse=True)
def private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    folders = {"config": tmp_path / "config", "data": tmp_path / "data"}
    monkeypatch.setenv(CONFIG_DIR_ENV, str(folders["config"]))
    monkeypatch.setenv(DATA_DIR_ENV, str(folders["data"]))
    return folders
