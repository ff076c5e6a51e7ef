"""Start at login: the XDG autostart entry on a real (temporary) config folder, the Run key through a stand-in
winreg, and the LaunchAgent in a temporary home."""

from __future__ import annotations

import plistlib
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fake_winreg import FakeWinreg
from inkscope_desktop.core.errors import SettingsError
from inkscope_desktop.settings.autostart import (RUN_KEY, RUN_VALUE, LaunchAgent, WindowsRunKey, XdgAutostart,
                                                 autostart_for, desktop_exec, is_start_at_login_enabled,
                                                 launch_command, set_start_at_login, xdg_config_home)

COMMAND = ["/opt/inkscope desktop/bin/inkscope-desktop"]


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg-config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


def test_the_xdg_entry_goes_in_xdg_config_home(config_home):
    assert XdgAutostart().path == config_home / "autostart" / "inkscope-desktop.desktop"


def test_a_relative_xdg_config_home_is_ignored_as_the_spec_says(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/path")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert xdg_config_home() == tmp_path / ".config"


def test_enabling_writes_a_desktop_entry_and_disabling_removes_it(config_home):
    autostart = XdgAutostart()
    assert not autostart.is_enabled()
    set_start_at_login(True, autostart, COMMAND)
    text = autostart.path.read_text()
    assert text.splitlines() == [
        "[Desktop Entry]",
        "Type=Application",
        "Name=Inkscope Desktop",
        "Comment=Describes the screen aloud with a local vision model",
        'Exec="/opt/inkscope desktop/bin/inkscope-desktop"',
        "Icon=inkscope-desktop",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
    ]
    assert is_start_at_login_enabled(autostart)
    set_start_at_login(False, autostart)
    assert not autostart.path.exists() and not autostart.is_enabled()
    set_start_at_login(False, autostart)  # nothing to remove: fine


def test_an_entry_hidden_by_the_desktop_counts_as_off(config_home):
    autostart = XdgAutostart()
    autostart.enable(COMMAND)
    autostart.path.write_text(autostart.path.read_text() + "Hidden=true\n")
    assert not autostart.is_enabled()
    autostart.enable(COMMAND)  # turning it on again rewrites the entry
    assert autostart.is_enabled()


def test_an_unwritable_autostart_folder_is_a_settings_error_with_advice(config_home):
    config_home.mkdir()
    (config_home / "autostart").write_text("a file where the folder should be")
    with pytest.raises(SettingsError, match=r"^Start at login could not write .*inkscope-desktop\.desktop \(.+\)\. "
                                            r"Check that your home folder is writable"):
        XdgAutostart().enable(COMMAND)


@pytest.mark.parametrize(("command", "exec_value"), [
    (["/usr/bin/inkscope-desktop"], "/usr/bin/inkscope-desktop"),
    (["/home/a b/.venv/bin/python", "-m", "inkscope_desktop"], '"/home/a b/.venv/bin/python" -m inkscope_desktop'),
    (["/opt/100%/inkscope-desktop"], "/opt/100%%/inkscope-desktop"),
    (['/opt/say "hi" $HOME/x'], r'"/opt/say \\"hi\\" \\$HOME/x"'),
    ([r"C:\odd\path"], r'"C:\\\\odd\\\\path"'),
])
def test_exec_arguments_are_quoted_as_the_desktop_entry_spec_says(command, exec_value):
    assert desktop_exec(command) == exec_value


def test_a_line_break_cannot_go_in_an_exec_key():
    with pytest.raises(SettingsError, match="cannot go in an autostart entry"):
        desktop_exec(["/opt/a\nb"])


def test_the_fake_winreg_behaves_like_winreg_where_autostart_relies_on_it():
    registry = FakeWinreg()
    with pytest.raises(FileNotFoundError):
        registry.OpenKey(registry.HKEY_CURRENT_USER, RUN_KEY, 0, registry.KEY_READ)
    with registry.CreateKeyEx(registry.HKEY_CURRENT_USER, RUN_KEY, 0, registry.KEY_SET_VALUE) as key:
        registry.SetValueEx(key, "x", 0, registry.REG_SZ, "y")
        with pytest.raises(PermissionError):
            registry.QueryValueEx(key, "x")
    with registry.OpenKey(registry.HKEY_CURRENT_USER, RUN_KEY.upper(), 0, registry.KEY_READ) as key:
        assert registry.QueryValueEx(key, "x") == ("y", registry.REG_SZ)
        with pytest.raises(FileNotFoundError):
            registry.QueryValueEx(key, "missing")
    with registry.OpenKey(registry.HKEY_CURRENT_USER, RUN_KEY, 0, registry.KEY_SET_VALUE) as key:
        registry.DeleteValue(key, "x")
        with pytest.raises(FileNotFoundError):
            registry.DeleteValue(key, "x")


def test_the_windows_run_key_holds_a_quoted_command_line():
    registry = FakeWinreg()
    run_key = WindowsRunKey(registry)
    assert not run_key.is_enabled()
    run_key.disable()  # no key at all yet: fine
    command = [r"C:\Program Files\Python311\pythonw.exe", "-m", "inkscope_desktop"]
    set_start_at_login(True, run_key, command)
    assert registry.keys[(registry.HKEY_CURRENT_USER, RUN_KEY.lower())][RUN_VALUE] == (
        r'"C:\Program Files\Python311\pythonw.exe" -m inkscope_desktop', registry.REG_SZ)
    assert run_key.is_enabled()
    set_start_at_login(False, run_key)
    assert not run_key.is_enabled()
    run_key.disable()  # value already gone: fine


def test_the_macos_launch_agent_runs_the_command_at_load(tmp_path):
    agent = LaunchAgent(home=tmp_path)
    assert agent.path == tmp_path / "Library" / "LaunchAgents" / "org.inkscope.desktop.plist"
    assert not agent.is_enabled()
    agent.enable(["/Applications/Inkscope.app/Contents/MacOS/inkscope-desktop"])
    plist = plistlib.loads(agent.path.read_bytes())
    assert plist == {"Label": "org.inkscope.desktop",
                     "ProgramArguments": ["/Applications/Inkscope.app/Contents/MacOS/inkscope-desktop"],
                     "RunAtLoad": True, "ProcessType": "Interactive", "LimitLoadToSessionType": "Aqua"}
    assert agent.is_enabled()
    agent.disable()
    assert not agent.path.exists() and not agent.is_enabled()


def test_each_platform_gets_its_own_mechanism(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert isinstance(autostart_for("linux"), XdgAutostart)
    assert isinstance(autostart_for("freebsd14"), XdgAutostart)
    assert isinstance(autostart_for("darwin"), LaunchAgent)
    assert isinstance(autostart_for("win32"), WindowsRunKey)


def _executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_the_launch_command_prefers_the_script_beside_this_python(tmp_path, monkeypatch):
    python = _executable(tmp_path / "venv" / "bin" / "python")
    script = _executable(tmp_path / "venv" / "bin" / "inkscope-desktop")
    monkeypatch.setattr("shutil.which", lambda name: "/elsewhere/inkscope-desktop")
    assert launch_command("linux", str(python)) == [str(script)]
    script.unlink()
    assert launch_command("linux", str(python)) == ["/elsewhere/inkscope-desktop"]
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert launch_command("linux", str(python)) == [str(python), "-m", "inkscope_desktop"]


def test_on_windows_the_launch_command_uses_pythonw_so_no_console_opens(tmp_path, monkeypatch):
    python = _executable(tmp_path / "Python311" / "python.exe")
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert launch_command("win32", str(python)) == [str(python), "-m", "inkscope_desktop"]
    pythonw = _executable(tmp_path / "Python311" / "pythonw.exe")
    assert launch_command("win32", str(python)) == [str(pythonw), "-m", "inkscope_desktop"]


def test_the_default_launch_command_starts_this_installation():
    beside = Path(sys.executable).with_name("inkscope-desktop")
    if not beside.is_file():
        pytest.skip("inkscope-desktop is not installed beside this Python")
    assert launch_command() == [str(beside)]


@pytest.mark.skipif(shutil.which("gio") is None or shutil.which("desktop-file-validate") is None,
                    reason="needs gio and desktop-file-validate (Debian: libglib2.0-bin, desktop-file-utils)")
def test_glib_reads_the_entry_back_to_the_same_command(tmp_path):
    """GLib (what GNOME's session uses to start autostart entries) launches the exact arguments written."""
    folder = tmp_path / "odd $folder name"
    out = tmp_path / "args.txt"
    script = _executable(folder / "run me.sh")
    script.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > '{out}.part' && mv '{out}.part' '{out}'\n")
    arguments = ['say "hi"', "50%", r"back\slash", "$HOME", "plain"]
    autostart = XdgAutostart(tmp_path / "config")
    autostart.enable([str(script), *arguments])
    validated = subprocess.run(["desktop-file-validate", str(autostart.path)], capture_output=True, text=True)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    launched = subprocess.run(["gio", "launch", str(autostart.path)], capture_output=True, text=True, timeout=30)
    assert launched.returncode == 0, launched.stderr
    deadline = time.monotonic() + 10
    while not out.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert out.read_text().splitlines() == arguments


def test_on_windows_the_app_gui_script_comes_first(tmp_path, monkeypatch):
    python = _executable(tmp_path / "Scripts" / "python.exe")
    _executable(tmp_path / "Scripts" / "pythonw.exe")
    gui_script = _executable(tmp_path / "Scripts" / "inkscope-desktop-app.exe")
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert launch_command("win32", str(python)) == [str(gui_script)]
