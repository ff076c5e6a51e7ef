"""Qt test setup: widgets run on the offscreen platform unless QT_QPA_PLATFORM says otherwise (e.g. xcb)."""

from __future__ import annotations

import os

# Before any QApplication exists (pytest-qt's qapp fixture creates it on first use).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
