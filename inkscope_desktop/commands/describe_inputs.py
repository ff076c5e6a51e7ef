"""What ``describe`` reads: files and folders expanded (counting what was skipped), standard input, conversations."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from inkscope_desktop.core.conversation import Conversation
from inkscope_desktop.core.errors import ImageError, VideoError
from inkscope_desktop.core.images import expand_inputs, load_image, load_image_bytes
from inkscope_desktop.core.types import Detail, Sampling

if TYPE_CHECKING:
    from PIL import Image

STDIN = "-"


@dataclass
class Inputs:
    """The inputs in the order given (``STDIN`` for ``-``), and the files folders held that are neither images
    nor videos (not described; the run says how many)."""

    items: list[Path | str] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)

    def skipped_line(self) -> str:
        """"N files skipped: not images or videos", or "" when none were."""
        count = len(self.skipped)
        if not count:
            return ""
        return f"{count} {'file' if count == 1 else 'files'} skipped: not images or videos"


def gather_inputs(paths: list[str]) -> Inputs:
    """Files and folders expanded in the order given; ``-`` stays as standard input."""
    inputs = Inputs()
    for path in paths:
        if path == STDIN:
            inputs.items.append(STDIN)
        else:
            inputs.items.extend(expand_inputs([path], skipped=inputs.skipped))
    return inputs


def load(item: Path | str) -> Image.Image:
    if item != STDIN:
        return load_image(item)
    if sys.stdin.isatty():
        raise ImageError("Nothing was piped to standard input.", "Pipe an image in, e.g. describe - < shot.png.")
    return load_image_bytes(sys.stdin.buffer.read(), name="standard input")


def conversation(item: Path | str, args: argparse.Namespace) -> Conversation:
    """A conversation about the image ``item``, asked with this run's detail, language, length and sampling."""
    return Conversation(
        load(item),
        source=STDIN if item == STDIN else str(item),
        detail=Detail(args.detail),
        language=args.language,
        max_new_tokens=args.max_new_tokens,
        sampling=sampling(args),
    )


def sampling(args: argparse.Namespace) -> Sampling:
    return Sampling(do_sample=args.sample, temperature=args.temperature, top_p=args.top_p)


def remote_video_error() -> VideoError:
    return VideoError("The remote engine cannot describe videos.", "Use the local engine: --engine qwen2-vl.")
