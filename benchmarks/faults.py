"""Faults: the settings files that used to crash or hang every start, and a server that trickles an answer forever.

Each settings case is written where the settings live (a private config folder), then ``config show`` runs as a
subprocess with a time limit: its exit status, seconds (against a good file's, the baseline, measured in the same
run) and the first line it printed on stderr. Then ``describe --engine remote --deadline 3`` against a local
server that sends one token a second forever: its seconds and its error line.

    python benchmarks/faults.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT_S = 60

CASES = {
    "a good file (baseline)": lambda path: path.write_text(json.dumps({"schema_version": 3, "speech": {"rate": 210}})),
    "deeply nested JSON": lambda path: path.write_bytes(b"[" * 100_000 + b"]" * 100_000),
    "an integer of 5,000 digits": lambda path: path.write_bytes(b'{"speech": {"rate": ' + b"9" * 5000 + b"}}"),
    "a FIFO in the file's place": lambda path: os.mkfifo(path),
    "a 2 MB file": lambda path: path.write_bytes(b'{"x": "' + b"y" * 2_000_000 + b'"}'),
    "schema_version \"3\" (a string)": lambda path: path.write_text('{"schema_version": "3", "speech": {"rate": 230}}'),
    "20 leftover temporary files": lambda path: [
        (path.parent / f".settings.json.{n}.tmp").write_text("{") for n in range(20)],
}


def run(args: list[str], env: dict[str, str]) -> tuple[int | str, float, str]:
    began = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", "inkscope_desktop", *args], capture_output=True, env=env,
                              timeout=LIMIT_S, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return "hung", LIMIT_S, f"(killed after {LIMIT_S} s)"
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return done.returncode, time.monotonic() - began, lines[0] if lines else ""


class Trickle(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        try:
            while True:
                self.wfile.write(b'data: {"choices": [{"delta": {"content": " word"}}]}\n\n')
                self.wfile.flush()
                time.sleep(1.0)
        except OSError:
            pass


def main() -> int:
    print(f"{'settings case':<34}{'exit':>6}{'seconds':>9}{'ratio':>7}  first line on stderr")
    baseline = None
    for name, write in CASES.items():
        with tempfile.TemporaryDirectory(prefix="inkscope-faults-") as temp:
            config = Path(temp) / "config"
            config.mkdir()
            env = {**os.environ, "INKSCOPE_CONFIG_DIR": str(config), "INKSCOPE_DATA_DIR": str(Path(temp) / "data")}
            write(config / "settings.json")
            status, seconds, line = run(["config", "show"], env)
            baseline = baseline or seconds
            print(f"{name:<34}{status!s:>6}{seconds:>9.2f}{seconds / baseline:>7.2f}  {line[:110]}")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="inkscope-faults-") as temp:
        image = Path(temp) / "shot.png"
        from PIL import Image

        Image.effect_noise((64, 48), 60).convert("RGB").save(image)
        env = {**os.environ, "INKSCOPE_CONFIG_DIR": temp, "INKSCOPE_DATA_DIR": temp}
        status, seconds, line = run(["describe", str(image), "--engine", "remote", "--base-url",
                                     f"http://127.0.0.1:{server.server_address[1]}/v1", "--remote-model", "m",
                                     "--deadline", "3"], env)
    server.shutdown()
    print(f"\ntrickling server, --deadline 3: exit {status}, {seconds:.1f} s: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
