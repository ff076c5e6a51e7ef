"""What the terminal shows around a progress line: messages start on a line of their own, the hub's repeated
warnings are shown once with its long addresses cut, and the -v log gets the download's progress."""

from __future__ import annotations

import io
import logging

from inkscope_desktop.commands import logging_setup, progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_warning_during_a_download_starts_on_its_own_line(monkeypatch):
    screen = Terminal()
    monkeypatch.setattr(logging_setup.sys, "stderr", screen)
    handler = logging_setup.TerminalHandler()
    handler.setFormatter(logging_setup.OneLineFormatter(logging_setup.FORMAT))
    line = progress.ProgressLine(screen)
    report = progress.download_progress(line)
    report(680, 1000)
    record = logging.LogRecord("huggingface_hub.file_download", logging.WARNING, __file__, 1,
                               "Retrying in 1s [Retry 1/5]: https://cdn-lfs.hf.co/repos/ab/cd/x?X-Amz-Signature=f00",
                               None, None)
    handler.emit(record)
    handler.emit(record)  # the hub says it twice
    text = screen.getvalue()
    assert "(68%)\nWARNING" in text
    assert text.count("Retrying in 1s") == 1
    assert "https://cdn-lfs.hf.co/…" in text and "Signature" not in text
    line.finish()


def test_the_verbose_log_gets_a_line_per_tenth(caplog):
    caplog.set_level(logging.INFO, logger="inkscope_desktop.commands.progress")
    report = progress.download_progress(progress.ProgressLine(io.StringIO()))
    for done in range(0, 1001, 50):
        report(done, 1000)
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 11 and lines[-1] == "Downloading the model: 1.0 KB of 1.0 KB"
