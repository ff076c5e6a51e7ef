"""``inkscope-desktop model download|info``: fetch the weights into the hub cache, or say where they are."""

from __future__ import annotations

import argparse

from inkscope_desktop.commands.progress import ProgressLine, download_progress
from inkscope_desktop.engines.model_source import download_model, model_info


def run_model(args: argparse.Namespace) -> int:
    if args.model_command == "download":
        line = ProgressLine()
        path = download_model(args.model_id, progress=download_progress(line, f"Downloading {args.model_id}"))
        line.finish(f"The model is ready in {path}")
        return 0
    info = model_info(args.model_id)
    print(info.describe())
    return 0 if info.complete else 1
