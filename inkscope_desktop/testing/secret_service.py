"""A private D-Bus session with an unlocked GNOME Keyring, so tests save API keys in a real system keyring.

Nothing global is changed and the user's own keyring is never touched: the keyring daemon keeps its files
in a temp home, and only processes given ``env()`` (or code that sets ``DBUS_SESSION_BUS_ADDRESS`` itself)
talk to it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

#: The keyring backend class for the Secret Service, as ``PYTHON_KEYRING_BACKEND`` names it.
SECRET_SERVICE_BACKEND = "keyring.backends.SecretService.Keyring"
PASSWORD = b"inkscope-test"


class SecretServiceSession:
    """``dbus-daemon`` plus ``gnome-keyring-daemon --components=secrets``, with the login keyring unlocked.

    Use as a context manager; ``bus_address`` is the session bus, ``env()`` the variables a child process
    needs to use this keyring through the ``keyring`` package.
    """

    def __init__(self) -> None:
        self.bus_address = ""
        self._home: Path | None = None
        self._processes: list[subprocess.Popen] = []

    @staticmethod
    def missing() -> str:
        """What is missing to run one ("" when nothing): the programs, or the keyring package's backend."""
        programs = [name for name in ("dbus-daemon", "gnome-keyring-daemon") if shutil.which(name) is None]
        if programs:
            return (f"{' and '.join(programs)} not installed (Debian/Ubuntu: apt-get install dbus "
                    f"gnome-keyring)")
        try:
            import keyring.backends.SecretService  # noqa: F401
            import secretstorage  # noqa: F401
        except ImportError as error:
            return f"the keyring package's Secret Service backend cannot load ({error})"
        return ""

    def env(self) -> dict[str, str]:
        return {"DBUS_SESSION_BUS_ADDRESS": self.bus_address, "PYTHON_KEYRING_BACKEND": SECRET_SERVICE_BACKEND}

    def start(self, timeout_s: float = 15.0) -> SecretServiceSession:
        problem = self.missing()
        if problem:
            raise RuntimeError(problem)
        self._home = Path(tempfile.mkdtemp(prefix="inkscope-keyring-"))
        runtime = self._home / "run"
        runtime.mkdir(mode=0o700)
        env = {**os.environ, "HOME": str(self._home), "XDG_DATA_HOME": str(self._home / "data"),
               "XDG_CONFIG_HOME": str(self._home / "config"), "XDG_RUNTIME_DIR": str(runtime)}
        bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1",
                                f"--address=unix:path={runtime / 'bus'}"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self._processes.append(bus)
        self.bus_address = (bus.stdout.readline().decode().strip() if bus.stdout else "")
        if not self.bus_address:
            self.stop()
            raise RuntimeError("dbus-daemon did not start")
        env["DBUS_SESSION_BUS_ADDRESS"] = self.bus_address
        keyring_daemon = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        self._processes.append(keyring_daemon)
        assert keyring_daemon.stdin is not None
        keyring_daemon.stdin.write(PASSWORD)  # the new login keyring's password; it is unlocked with it
        keyring_daemon.stdin.close()
        self._wait_until_ready(timeout_s)
        return self

    def _wait_until_ready(self, timeout_s: float) -> None:
        """Until a secret round-trips through the daemon (it registers on the bus a moment after starting)."""
        check = ("import keyring, sys; k = keyring.get_keyring(); k.set_password('inkscope-probe', 'p', 'x'); "
                 "ok = k.get_password('inkscope-probe', 'p') == 'x'; k.delete_password('inkscope-probe', 'p'); "
                 "sys.exit(0 if ok else 1)")
        env = {**os.environ, **self.env()}
        deadline = time.monotonic() + timeout_s
        while True:
            probe = subprocess.run([_python(), "-c", check], env=env, capture_output=True, timeout=timeout_s)
            if probe.returncode == 0:
                return
            if time.monotonic() > deadline or any(process.poll() is not None for process in self._processes):
                self.stop()
                raise RuntimeError(f"gnome-keyring-daemon did not become ready: {probe.stderr.decode()[-300:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        for process in reversed(self._processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if process.stdout is not None:
                process.stdout.close()
        self._processes.clear()
        if self._home is not None:
            shutil.rmtree(self._home, ignore_errors=True)
            self._home = None

    def __enter__(self) -> SecretServiceSession:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _python() -> str:
    import sys

    return sys.executable
