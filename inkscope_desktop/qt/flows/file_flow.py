"""The "Open image or video…" menu command: chosen images go to the describe flow, videos to the video queue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from inkscope_desktop.core.errors import ImageError
from inkscope_desktop.core.images import SUPPORTED_SUFFIXES, load_image
from inkscope_desktop.core.video import VIDEO_SUFFIXES, is_video_path

if TYPE_CHECKING:
    from PIL import Image

    from inkscope_desktop.qt.flows.describe_flow import DescribeFlow
    from inkscope_desktop.qt.flows.video_queue import VideoQueue
    from inkscope_desktop.qt.runtime.action_registry import ActionRegistry
    from inkscope_desktop.qt.widgets.caption_window import CaptionWindow


class FileFlow:
    """Asks for image or video files and describes them; GUI thread only."""

    def __init__(self, window: CaptionWindow, describe: DescribeFlow, videos: VideoQueue) -> None:
        self._window = window
        self._describe = describe
        self._videos = videos

    def register_commands(self, registry: ActionRegistry) -> None:
        registry.register_command("open-image", "&Open image or video…", self.open_files)

    def open_files(self) -> None:
        """Ask for image files and describe them one after the other; bad files are reported and skipped.
        A video chosen is described instead (one at a time)."""
        patterns = " ".join(f"*{suffix}" for suffix in sorted(SUPPORTED_SUFFIXES | VIDEO_SUFFIXES))
        paths, _ = QFileDialog.getOpenFileNames(self._window, "Open image or video", "",
                                                f"Images and videos ({patterns})")
        self.describe_paths(paths)

    def describe_paths(self, paths: list[str]) -> None:
        videos = [path for path in paths if is_video_path(path)]
        if videos:
            self._videos.describe_files(videos)
            return
        images: list[tuple[Image.Image, str]] = []
        for path in paths:
            try:
                images.append((load_image(path), path))
            except ImageError as error:
                self._window.show_error(error.user_text)
        self._describe.describe_images(images)
