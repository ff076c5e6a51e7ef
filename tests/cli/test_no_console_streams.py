"""Under pythonw (the Windows app entry point, no console) sys.stdout and sys.stderr are None: the command line and
the progress bars tqdm draws must still work, and write nowhere."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run_without_streams(code: str) -> subprocess.CompletedProcess:
    script = textwrap.dedent('''
        import sys
        sys.stdout = None
        sys.stderr = None
    ''') + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)


def test_the_command_line_runs_with_no_stdout_or_stderr(tmp_path):
    done = run_without_streams(f'''
        from inkscope_desktop.cli import main
        code = main(["config", "path"])
        import tqdm
        for _ in tqdm.tqdm(range(3)):  # a download's progress bar
            pass
        import logging
        logging.getLogger("inkscope").warning("a warning with nowhere to go")
        open({str(tmp_path / "code")!r}, "w").write(str(code))
    ''')
    assert done.returncode == 0, done.stderr.decode()
    assert (tmp_path / "code").read_text() == "0"


def test_without_the_guard_the_same_progress_bar_fails():
    """What the guard protects against (so the test above can fail): tqdm writes to sys.stderr."""
    done = run_without_streams('''
        import tqdm
        for _ in tqdm.tqdm(range(3)):
            pass
    ''')
    assert done.returncode != 0
