"""``trigger`` against an app whose queue of waiting connections is full: it tries again briefly, then says in one
line that the app is busy, with exit status 1 (it used to print a BlockingIOError traceback)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

from inkscope_desktop.instance.endpoint import SOCKET_NAME


def test_a_full_queue_is_a_one_line_busy_message(tmp_path):
    folder = tmp_path / "runtime"
    folder.mkdir(mode=0o700)
    os.chmod(folder, 0o700)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(folder / SOCKET_NAME))
    listener.listen(0)  # an app that takes no connection now
    waiting = []
    try:
        for _ in range(64):  # fill the queue until the kernel refuses more
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.setblocking(False)
            try:
                client.connect(str(folder / SOCKET_NAME))
            except BlockingIOError:
                client.close()
                break
            waiting.append(client)
        began = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "inkscope_desktop", "trigger", "describe-screen"],
                              capture_output=True, timeout=60,
                              env={**os.environ, "INKSCOPE_RUNTIME_DIR": str(folder)})
    finally:
        for client in waiting:
            client.close()
        listener.close()
    stderr = done.stderr.decode()
    assert done.returncode == 1, stderr
    assert stderr.count("\n") == 1 and "is busy and did not take the request within 2 s" in stderr, stderr
    assert "Traceback" not in stderr
    assert time.monotonic() - began < 30
