"""What a paste or a drop gives the caption window: images, video files, and errors that say what to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtGui import QGuiApplication

from inkscope_desktop.qt.widgets.images import image_formats, images_from_mime, video_paths

if TYPE_CHECKING:
    from PIL import Image
    from PySide6.QtCore import QMimeData

NO_CLIPBOARD_IMAGE = "The clipboard holds no image. Copy an image or an image file first, then try again."
NOTHING_TO_DROP = ("Only images and videos can be dropped here. Drop a PNG, JPEG, WebP, BMP, GIF or TIFF image, "
                   "or an MP4, MKV, WebM, MOV or AVI video.")


@dataclass
class ReceivedMedia:
    """What a paste or a drop brought: (RGB image, source label) pairs, video file paths, and errors."""

    images: list[tuple["Image.Image", str]] = field(default_factory=list)
    videos: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def error_line(self) -> str:
        """The first error, and how many more items could not be used ("" when there is none)."""
        if not self.errors:
            return ""
        more = len(self.errors) - 1
        extra = f" {more} more {'item' if more == 1 else 'items'} could not be used." if more else ""
        return self.errors[0] + extra


def accepts_drag(mime: "QMimeData") -> bool:
    """Whether a drag may be dropped on the window (files, or image data); what it holds is checked at the drop."""
    return bool(mime.hasUrls() or mime.hasImage() or image_formats(mime))


def clipboard_holds_media() -> bool:
    """Whether the clipboard holds an image, image data, or files (which a paste describes rather than types)."""
    mime = QGuiApplication.clipboard().mimeData()
    if mime is None:
        return False
    return bool(mime.hasImage() or image_formats(mime) or any(url.isLocalFile() for url in mime.urls()))


def pasted_media() -> ReceivedMedia:
    """The clipboard's image, or the image and video files copied in a file manager."""
    mime = QGuiApplication.clipboard().mimeData()
    images, errors = images_from_mime(mime, "Pasted image") if mime is not None else ([], [])
    videos = video_paths(mime) if mime is not None else []
    if not images and not errors and not videos:
        errors = [NO_CLIPBOARD_IMAGE]
    return ReceivedMedia(images, videos, errors)


def dropped_media(mime: "QMimeData") -> ReceivedMedia:
    """The images and videos of a drop."""
    images, errors = images_from_mime(mime, "Dropped image")
    videos = video_paths(mime)
    if not images and not errors and not videos:
        errors = [NOTHING_TO_DROP]
    return ReceivedMedia(images, videos, errors)
