"""``inkscope-desktop config path|show|reset`` as a real subprocess, on a private config folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from inkscope_desktop.settings import Settings
from inkscope_desktop.settings.codec import to_dict


def run_cli(*args: str, config: Path, data: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "INKSCOPE_CONFIG_DIR": str(config), "INKSCOPE_DATA_DIR": str(data or config / "data")}
    return subprocess.run([sys.executable, "-m", "inkscope_desktop", *args], capture_output=True, text=True,
                          timeout=60, env=env)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return tmp_path / "config"


def test_path_prints_the_settings_file(config):
    result = run_cli("config", "path", config=config)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == f"{config / 'settings.json'}\n"
    assert not config.exists()


def test_show_prints_the_defaults_when_there_is_no_file_and_writes_nothing(config):
    result = run_cli("config", "show", config=config)
    assert result.returncode == 0
    assert json.loads(result.stdout) == to_dict(Settings())
    assert result.stderr.strip() == (f"inkscope-desktop: no settings file at {config / 'settings.json'}; "
                                     "these are the defaults.")
    assert not config.exists()


def test_show_prints_the_settings_in_effect(config):
    config.mkdir()
    (config / "settings.json").write_text('{"speech": {"rate": 250}, "prompts": {"language": "German"}}')
    result = run_cli("config", "show", config=config)
    assert result.returncode == 0 and result.stderr == ""
    shown = json.loads(result.stdout)
    assert shown["speech"]["rate"] == 250 and shown["prompts"]["language"] == "German"
    assert shown["privacy"] == {"history": True, "thumbnails": False, "retention_days": 30, "max_entries": 1000,
                                "kept_images": 20, "kept_images_mb": 200}


def test_show_reports_a_broken_file_without_moving_it(config):
    config.mkdir()
    (config / "settings.json").write_text("{not json")
    result = run_cli("config", "show", config=config)
    assert result.returncode == 1
    assert json.loads(result.stdout) == to_dict(Settings())
    assert result.stderr.strip().splitlines() == [
        f"inkscope-desktop: the settings file {config / 'settings.json'} cannot be used (line 1 column 2: Expecting "
        "property name enclosed in double quotes); these are the defaults. Run: inkscope-desktop config reset"]
    assert sorted(p.name for p in config.iterdir()) == ["settings.json"]


def test_show_reports_values_that_cannot_be_used(config):
    config.mkdir()
    (config / "settings.json").write_text('{"speech": {"rate": 2, "volume": 0.5}}')
    result = run_cli("config", "show", config=config)
    assert result.returncode == 1
    assert json.loads(result.stdout)["speech"]["volume"] == 0.5
    assert "cannot be used and have their defaults: Speech rate 2 is out of range" in result.stderr


def test_reset_keeps_the_old_file_aside_and_writes_the_defaults(config):
    config.mkdir()
    (config / "settings.json").write_text('{"speech": {"rate": 250}}')
    result = run_cli("config", "reset", config=config)
    assert result.returncode == 0, result.stderr
    [kept] = list(config.glob("settings.json.reset-*"))
    assert result.stdout.splitlines() == [f"The old settings were kept as {kept}",
                                          f"Default settings written to {config / 'settings.json'}"]
    assert kept.read_text() == '{"speech": {"rate": 250}}'
    assert json.loads((config / "settings.json").read_text()) == to_dict(Settings())


def test_reset_without_a_file_just_writes_the_defaults(config):
    result = run_cli("config", "reset", config=config)
    assert result.returncode == 0
    assert result.stdout == f"Default settings written to {config / 'settings.json'}\n"


def test_reset_where_the_file_cannot_be_written_is_a_setup_error(tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    result = run_cli("config", "reset", config=blocked)
    assert result.returncode == 2
    assert result.stderr.startswith(f"inkscope-desktop: error: Your settings could not be saved to "
                                    f"{blocked / 'settings.json'} (")
    assert len(result.stderr.strip().splitlines()) == 1


def test_config_needs_an_action(config):
    result = run_cli("config", config=config)
    assert result.returncode == 2
    assert result.stderr.startswith("inkscope-desktop config: choose one of these actions:")  # see test_cli_help


def test_help_lists_the_new_commands_and_stays_light(config):
    code = ("import sys, runpy; sys.argv = ['inkscope-desktop', '--help']\n"
            "try:\n    runpy.run_module('inkscope_desktop', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "heavy = [m for m in ('torch', 'transformers', 'PySide6', 'sqlite3', 'platformdirs') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "config" in result.stdout and "history" in result.stdout
    assert "HEAVY []" in result.stdout
