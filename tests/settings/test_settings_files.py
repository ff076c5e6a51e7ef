"""Where the files go (platform folders or the environment's), atomic writes, and moving bad files aside."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from inkscope_desktop.settings.files import move_aside, write_atomically
from inkscope_desktop.settings.paths import (CONFIG_DIR_ENV, DATA_DIR_ENV, config_dir, data_dir, history_path,
                                             settings_path)


def test_the_environment_names_the_folders(private_folders):
    assert config_dir() == private_folders["config"]
    assert settings_path() == private_folders["config"] / "settings.json"
    assert data_dir() == private_folders["data"]
    assert history_path() == private_folders["data"] / "history.sqlite3"
    assert not private_folders["config"].exists() and not private_folders["data"].exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG folders")
def test_without_overrides_the_xdg_folders_are_used(tmp_path, monkeypatch):
    monkeypatch.delenv(CONFIG_DIR_ENV)
    monkeypatch.setenv(DATA_DIR_ENV, "  ")  # blank counts as unset
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    assert settings_path() == tmp_path / "cfg" / "inkscope-desktop" / "settings.json"
    assert history_path() == tmp_path / "share" / "inkscope-desktop" / "history.sqlite3"


def test_write_atomically_creates_folders_and_replaces_whole_files(tmp_path):
    target = tmp_path / "a" / "b" / "file.txt"
    write_atomically(target, "first")
    write_atomically(target, b"second \xff")
    assert target.read_bytes() == b"second \xff"
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.txt"]


def test_a_failed_write_removes_its_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "file.txt"
    target.write_text("old")
    monkeypatch.setattr(os, "replace", lambda *args: (_ for _ in ()).throw(OSError(5, "I/O error")))
    with pytest.raises(OSError, match="I/O error"):
        write_atomically(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


def test_move_aside_never_overwrites_and_takes_companion_files(tmp_path):
    kept = []
    for content in ("one", "two"):
        path = tmp_path / "history.sqlite3"
        path.write_text(content)
        (tmp_path / "history.sqlite3-wal").write_text(content + "-wal")
        kept.append(move_aside(path, "broken", companions=("-wal", "-shm")))
    assert re.fullmatch(r"history\.sqlite3\.broken-\d{8}-\d{6}(-2)?", kept[0].name)
    assert kept[0] != kept[1]
    assert [k.read_text() for k in kept] == ["one", "two"]
    assert [os.path.exists(f"{k}-wal") for k in kept] == [True, True]
    assert Path(f"{kept[1]}-wal").read_text() == "two-wal"
    assert not (tmp_path / "history.sqlite3").exists() and not (tmp_path / "history.sqlite3-wal").exists()
