"""The command line's logging: one-line messages on stderr, warnings and errors with their tracebacks in a log file.

The log file is ``inkscope-desktop.log`` in the data folder (``INKSCOPE_DATA_DIR`` moves it), at most 1 MB, with
two older files kept; it and its folder are made only when something is logged. A folder that can't be written
leaves only stderr.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

LOG_FILE = "inkscope-desktop.log"
MAX_LOG_BYTES = 1_000_000
FORMAT = "%(levelname)s %(name)s: %(message)s"


class OneLineFormatter(logging.Formatter):
    """Drops tracebacks and stacks: the terminal gets the message, the log file the rest."""

    def format(self, record: logging.LogRecord) -> str:
        plain = logging.makeLogRecord(record.__dict__)
        plain.exc_info, plain.exc_text, plain.stack_info = None, None, None
        return super().format(plain)


class LazyRotatingFile(logging.handlers.RotatingFileHandler):
    """Creates the log's folder when the first record comes, not before (``config path`` creates nothing)."""

    def _open(self):
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        """A log that can't be written must not print logging's own traceback: stderr keeps its one line."""


class TerminalHandler(logging.StreamHandler):
    """Stderr: a half-drawn progress line is ended first; a message just shown is not shown again within a
    minute (the hub repeats its retry warnings), and the hub's long signed addresses are cut to their host."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self._last: tuple[str, float] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        import re
        import time

        message = record.getMessage()
        if record.name.startswith("huggingface_hub"):
            message = re.sub(r"(https?://[^/\s]+)/\S*", r"\1/…", message)
            record = logging.makeLogRecord({**record.__dict__, "msg": message, "args": None})
        now = time.monotonic()
        if self._last is not None and self._last[0] == message and now - self._last[1] < 60:
            return
        self._last = (message, now)
        from inkscope_desktop.commands.progress import end_progress_line

        end_progress_line()
        super().emit(record)


def log_file_path() -> Path:
    from inkscope_desktop.settings.paths import data_dir

    return data_dir() / LOG_FILE


def configure_logging(verbose: bool) -> Path | None:
    """Set up the root logger (once per process); the log file's path, or None when it can't be written."""
    root = logging.getLogger()
    if getattr(root, "_inkscope_configured", False):
        return None
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    terminal = TerminalHandler()
    terminal.setFormatter(OneLineFormatter(FORMAT))
    root.addHandler(terminal)
    root._inkscope_configured = True  # type: ignore[attr-defined]
    try:
        path = log_file_path()
        file = LazyRotatingFile(path, maxBytes=MAX_LOG_BYTES, backupCount=2, encoding="utf-8", delay=True)
    except OSError:
        return None
    file.setFormatter(logging.Formatter("%(asctime)s " + FORMAT))
    root.addHandler(file)
    return path
