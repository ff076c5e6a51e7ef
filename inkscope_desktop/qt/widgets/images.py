"""Conversions between PIL and Qt images, and the images inside dropped or pasted data."""

from __future__ import annotations

from PIL import Image
from PySide6.QtCore import QMimeData
from PySide6.QtGui import QImage

from inkscope_desktop.core.errors import ImageError
from inkscope_desktop.core.images import load_image, load_image_bytes, to_rgb
from inkscope_desktop.core.video import is_video_path


def pil_to_qimage(image: Image.Image, max_side: int | None = None) -> QImage:
    """A detached QImage copy of a PIL image (converted to RGB), shrunk to fit ``max_side`` if given."""
    rgb = image.convert("RGB") if image.mode != "RGB" else image
    if max_side is not None and max(rgb.size) > max_side:
        rgb = rgb.copy()
        rgb.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    data = rgb.tobytes()
    return QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888).copy()


def qimage_to_pil(image: QImage) -> Image.Image:
    """A QImage as a detached RGB PIL image; transparency is composited onto white (as files are)."""
    if image.isNull():
        raise ValueError("The image is empty.")
    has_alpha = image.hasAlphaChannel()
    target = QImage.Format.Format_RGBA8888 if has_alpha else QImage.Format.Format_RGB888
    converted = image.convertToFormat(target)
    mode = "RGBA" if has_alpha else "RGB"
    data = bytes(converted.constBits())[: converted.bytesPerLine() * converted.height()]
    size = (converted.width(), converted.height())
    pil = Image.frombuffer(mode, size, data, "raw", mode, converted.bytesPerLine(), 1).copy()
    return to_rgb(pil)


def images_from_mime(mime: QMimeData, label: str) -> tuple[list[tuple[Image.Image, str]], list[str]]:
    """The images in dropped or pasted data, and one-line errors for the parts that are not usable.

    Local files win (each loaded in order; the good ones are kept; videos are left to ``video_paths``); then
    image data (a browser's drag or a copied picture); web addresses alone get advice to save the image first.
    """
    images: list[tuple[Image.Image, str]] = []
    errors: list[str] = []
    urls = mime.urls() if mime.hasUrls() else []
    files = [url.toLocalFile() for url in urls if url.isLocalFile()]
    if video_paths(mime):
        files = [path for path in files if not is_video_path(path)]
        if not files:
            return images, errors
    for path in files:
        try:
            images.append((load_image(path), path))
        except ImageError as error:
            errors.append(error.user_text)
    if files:
        return images, errors
    if mime.hasImage():
        qimage = QImage(mime.imageData())
        if not qimage.isNull():
            return [(qimage_to_pil(qimage), label)], []
    for mime_type in image_formats(mime):
        try:
            return [(load_image_bytes(bytes(mime.data(mime_type).data()), label), label)], []
        except ImageError as error:
            errors.append(error.user_text)
    if urls and not errors:
        errors.append("That is a web address, not an image file. Save the image, then open or drop the file.")
    return images, errors


def image_formats(mime: QMimeData) -> list[str]:
    """The raster image types in ``mime`` (SVG is left out: it needs a renderer, not a decoder)."""
    return [name for name in mime.formats() if name.startswith("image/") and "svg" not in name]


def video_paths(mime: QMimeData) -> list[str]:
    """The local video files (by suffix: MP4, MKV, WebM, MOV, AVI) in dropped or pasted data, in order."""
    if not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and is_video_path(url.toLocalFile())]

