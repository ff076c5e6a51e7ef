"""Speech test fixtures: WAV folders, the paced stand-in player, and a private speech-dispatcher daemon."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # audio_checks, paced_player

MODULE_DIRS = ("/usr/lib/speech-dispatcher-modules", "/usr/lib/x86_64-linux-gnu/speech-dispatcher-modules",
               "/usr/libexec/speech-dispatcher-modules")
#: The daemon's output module: a shell command that logs each message and "speaks" for a while; the daemon
#: kills it when the message is cancelled, so an "end" line is missing for a cut-off message.
RECORDER_MODULE = """\
GenericExecuteSynth "t=\\'$DATA\\'; echo \\"begin $t\\" >> {log}; sleep {seconds}; echo \\"end $t\\" >> {log}"
GenericLanguage "en" "en" "utf-8"
AddVoice "en" "male1" "recorder"
"""
DAEMON_CONFIG = """\
CommunicationMethod "unix_socket"
SocketPath "{socket}"
LogLevel 3
LogDir "{logs}"
AudioOutputMethod "alsa"
AudioALSADevice "null"
AddModule "recorder" "sd_generic" "recorder.conf"
DefaultModule "recorder"
DefaultLanguage "en"
"""


@dataclass
class SpeechDaemon:
    address: str
    spoken_log: Path
    process: subprocess.Popen

    def lines(self) -> list[str]:
        return self.spoken_log.read_text().splitlines() if self.spoken_log.exists() else []

    def wait_for(self, line: str, timeout_s: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if line in self.lines():
                return True
            time.sleep(0.02)
        return False


@pytest.fixture
def paced_player_command(tmp_path: Path) -> tuple[list[str], Path]:
    """A player command that "plays" in real time into a file, and that file."""
    output = tmp_path / "played.raw"
    return [sys.executable, str(HERE / "paced_player.py"), "{path}", str(output)], output


@pytest.fixture
def speech_daemon(tmp_path_factory: pytest.TempPathFactory) -> SpeechDaemon:
    """A real speech-dispatcher on a private socket whose output module logs what it is asked to say."""
    binary = shutil.which("speech-dispatcher")
    module_dir = next((d for d in MODULE_DIRS if Path(d, "sd_generic").exists()), None)
    if binary is None or module_dir is None:
        pytest.skip("speech-dispatcher is not installed (apt-get install speech-dispatcher)")
    root = tmp_path_factory.mktemp("speechd")
    config, logs = root / "conf", root / "logs"
    (config / "modules").mkdir(parents=True)
    logs.mkdir()
    socket_path, spoken = root / "speechd.sock", root / "spoken.txt"
    (config / "speechd.conf").write_text(DAEMON_CONFIG.format(socket=socket_path, logs=logs))
    (config / "modules" / "recorder.conf").write_text(RECORDER_MODULE.format(log=spoken, seconds=0.3))
    process = subprocess.Popen(
        [binary, "-s", "-t", "0", "-C", str(config), "-S", str(socket_path), "-c", "unix_socket", "-l", "3",
         "-L", str(logs), "-m", module_dir, "-P", str(root / "pid")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 10
    while not socket_path.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    if not socket_path.exists():
        process.kill()
        pytest.skip(f"speech-dispatcher did not start here ({(logs / 'speech-dispatcher.log').read_text()[-300:] if (logs / 'speech-dispatcher.log').exists() else 'no log'})")
    yield SpeechDaemon(f"unix_socket:{socket_path}", spoken, process)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(5)
