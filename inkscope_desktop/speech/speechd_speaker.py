"""Speech-dispatcher route (Linux): speaks through the daemon Orca uses, so the two never talk over each other.

Uses Debian's ``python3-speechd`` client when it can be imported (also from the system's dist-packages when
the app runs in a virtual environment), else the ``spd-say`` command. Pieces go to the daemon one at a time
at "message" priority, so they are said in order; stopping cancels them. The python client cancels only
Inkscope's messages; ``spd-say`` can only cancel all messages (``spd-say -C``).
Threading rules: see ``inkscope_desktop.speech.base``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import ModuleType

from inkscope_desktop.speech.audio import child_group_args, kill_child
from inkscope_desktop.speech.base import QueuedSpeaker, SpeechError

#: Where Debian and Ubuntu install python3-speechd (outside any virtual environment).
SYSTEM_PACKAGE_DIRS = ("/usr/lib/python3/dist-packages", "/usr/local/lib/python3/dist-packages")
APP_NAME = "inkscope-desktop"
#: Bounds on waiting for a message's end event (events can be missed: see ``_say``).
MAX_WAIT_S = 5.0
MAX_SECONDS_PER_CHAR = 0.25
_ADVICE = ("Start speech-dispatcher (it comes with the Orca screen reader), or choose the own voice in the "
           "speech settings.")


class SpeechDispatcherSpeaker(QueuedSpeaker):
    """Speaks through speech-dispatcher; ``use_spd_say`` forces the command-line route.

    ``autospawn`` lets the client start the daemon when none runs (used when the user picked the screen
    reader route explicitly); ``address`` overrides ``$SPEECHD_ADDRESS`` (``unix_socket:/path``).
    """

    name = "speech-dispatcher"
    is_screen_reader_route = True

    def __init__(self, *, use_spd_say: bool = False, autospawn: bool = False, address: str | None = None,
                 rate: int = 0) -> None:
        super().__init__()
        self._speechd = None if use_spd_say else import_speechd()
        self._autospawn = autospawn
        self._address = address or os.environ.get("SPEECHD_ADDRESS") or None
        self._rate = max(-100, min(100, rate))
        self._client = None
        self._client_lock = threading.Lock()

    @property
    def route(self) -> str:
        """"python3-speechd" or "spd-say"."""
        return "spd-say" if self._speechd is None else "python3-speechd"

    def availability_problem(self) -> SpeechError | None:
        if not sys.platform.startswith("linux") and self._address is None:
            return SpeechError("speech-dispatcher is a Linux service.", "Use another speech route here.")
        if self._speechd is None and shutil.which("spd-say") is None:
            return SpeechError("speech-dispatcher is not installed (neither python3-speechd nor spd-say).",
                               "Install speech-dispatcher, or choose the own voice in the speech settings.")
        if self._autospawn or self._is_daemon_listening():
            return None
        return SpeechError("speech-dispatcher is not running.", _ADVICE)

    def prepare(self) -> None:
        if self._speechd is not None:
            self._connected()

    def _say(self, text: str, turn: int) -> None:
        if self._speechd is None:
            self._say_with_spd_say(text, turn)
            return
        client = self._connected()
        done = threading.Event()
        outcome: list[str] = []

        def on_event(event_type: str, **_: object) -> None:  # on the client's listener thread
            if event_type == "begin":
                self._report_started(text)
                return
            outcome.append(event_type)
            done.set()

        if not self._attach(turn, done.set):
            return
        try:
            if not _is_connected(client):
                raise ConnectionError("the connection was closed")
            client.speak(text, callback=on_event, event_types=("begin", "end", "cancel"))
        except Exception as error:
            self._drop_client()
            raise SpeechError(f"speech-dispatcher stopped answering ({error}).", _ADVICE) from error
        # The client may miss the events of a message that ends before it registered the callback:
        # never wait longer than the slowest plausible speech of this text.
        deadline = time.monotonic() + MAX_WAIT_S + len(text) * MAX_SECONDS_PER_CHAR
        while not done.wait(0.25) and time.monotonic() < deadline:
            if not _is_connected(client):
                self._drop_client()
                raise SpeechError("speech-dispatcher stopped while speaking.", _ADVICE)
        if not self._is_current(turn):
            self._cancel(client)
        elif outcome == ["cancel"]:
            self.stop()  # cancelled outside Inkscope (the user silenced the screen reader): drop the rest

    def _say_with_spd_say(self, text: str, turn: int) -> None:
        rate = ["--rate", str(self._rate)] if self._rate else []  # else the user's default rate
        args = ["spd-say", "--wait", "--priority", "message", "--application-name", APP_NAME, *rate, "--", text]
        try:
            process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE, env=self._env(), **child_group_args())
        except OSError as error:
            raise SpeechError(f"spd-say could not start ({error}).", _ADVICE) from error
        if not self._attach(turn, lambda: kill_child(process)):
            process.wait()
            self._run_spd_say("--cancel")
            return
        self._report_started(text)
        _, err = process.communicate()
        if not self._is_current(turn):
            self._run_spd_say("--cancel")  # killing spd-say leaves its message with the daemon
        elif process.returncode != 0:
            detail = err.decode("utf-8", "replace").strip().splitlines()
            raise SpeechError(f"speech-dispatcher did not speak ({detail[-1] if detail else process.returncode}).",
                              _ADVICE)

    def _run_spd_say(self, *options: str) -> None:
        subprocess.run(["spd-say", *options], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=self._env(), timeout=5, check=False)

    def _connected(self):
        with self._client_lock:
            if self._client is None:
                speechd = self._speechd
                try:
                    client = speechd.SSIPClient(APP_NAME, address=self._address, autospawn=self._autospawn)
                    client.set_priority(speechd.Priority.MESSAGE)
                    if self._rate:
                        client.set_rate(self._rate)
                except Exception as error:
                    raise SpeechError(f"speech-dispatcher could not be reached ({error}).", _ADVICE) from error
                self._client = client
            return self._client

    def _cancel(self, client) -> None:
        try:
            if _is_connected(client):  # a command to a dead daemon would wait for a reply forever
                client.cancel()
        except Exception:  # noqa: BLE001 - any failure of a dead daemon's client: start afresh next time
            self._drop_client()

    def _drop_client(self) -> None:
        with self._client_lock:
            client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - closing a broken client: nothing more to do
                pass

    def _release(self) -> None:
        self._drop_client()

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self._address:
            env["SPEECHD_ADDRESS"] = self._address
        return env

    def _is_daemon_listening(self) -> bool:
        """Whether something accepts connections on the daemon's socket (no message is sent)."""
        address = self._address or ""
        if address.startswith("inet_socket"):
            return True  # a TCP daemon cannot be probed cheaply without talking SSIP; let the client try
        path = address.split(":", 1)[1] if address.startswith("unix_socket:") else default_socket_path()
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        probe.settimeout(0.5)
        try:
            probe.connect(path)
        except OSError:
            return False
        finally:
            probe.close()
        return True


def _is_connected(client) -> bool:
    """Whether the python3-speechd client still listens to the daemon (its reader thread ends with it)."""
    reader = getattr(getattr(client, "_conn", None), "_communication_thread", None)
    return reader is None or reader.is_alive()


def default_socket_path() -> str:
    runtime = os.environ.get("XDG_RUNTIME_DIR") or os.environ.get("XDG_CACHE_HOME") or \
        os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(runtime, "speech-dispatcher", "speechd.sock")


def import_speechd() -> ModuleType | None:
    """The ``speechd`` client module: importable directly, or loaded from the system's dist-packages."""
    try:
        import speechd

        return speechd
    except ImportError:
        pass
    if not sys.platform.startswith("linux"):
        return None
    for folder in SYSTEM_PACKAGE_DIRS:
        init = Path(folder) / "speechd" / "__init__.py"
        if init.is_file():
            if "speechd" in sys.modules:
                return sys.modules["speechd"]
            spec = importlib.util.spec_from_file_location("speechd", init,
                                                          submodule_search_locations=[str(init.parent)])
            if spec is None or spec.loader is None:
                continue
            module = importlib.util.module_from_spec(spec)
            sys.modules["speechd"] = module
            try:
                spec.loader.exec_module(module)
            except Exception:  # noqa: BLE001 - a broken system copy of python3-speechd: try the next
                sys.modules.pop("speechd", None)
                continue
            return module
    return None
