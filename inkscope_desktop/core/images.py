"""Image input: load a file or bytes into a fully decoded RGB image, or say plainly why not."""

from __future__ import annotations

import io
import os
import stat
import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from inkscope_desktop.core.errors import ImageError
from inkscope_desktop.core.image_errors import (
    CHOOSE, MAX_SIDE, check_byte_size, clean_line, damaged, display_name, not_readable, too_many_pixels,
)
from inkscope_desktop.core.video import VIDEO_SUFFIXES

#: Largest image accepted, in pixels (width x height), checked from the header before decoding.
MAX_IMAGE_PIXELS = 64_000_000
#: Largest file accepted, in bytes, checked before reading.
MAX_FILE_BYTES = 256 * 1024 * 1024

#: The PIL decoders ``Image.open`` may use; every other format is refused.
ALLOWED_FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "GIF", "TIFF")
SUPPORTED_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".jpe", ".webp", ".bmp", ".gif", ".tif", ".tiff"})
#: What a folder is searched for: images, and videos (described by :mod:`inkscope_desktop.core.video`).
_INPUT_SUFFIXES = SUPPORTED_SUFFIXES | VIDEO_SUFFIXES

_WHITE = (255, 255, 255)
_ALPHA_MODES = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})


def load_image(
    path: str | os.PathLike[str],
    *,
    max_pixels: int = MAX_IMAGE_PIXELS,
    max_bytes: int = MAX_FILE_BYTES,
) -> Image.Image:
    """Read and fully decode the image file at ``path`` as RGB, detached from the file.

    Raises :class:`ImageError` (one line, naming the file, with advice) for any file that cannot be used.
    """
    name = display_name(path)
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise ImageError(f"{name} is a folder, not an image file.", "Choose an image file inside it.")
        if not stat.S_ISREG(info.st_mode):
            raise ImageError(f"{name} is not a regular file.", CHOOSE)
        check_byte_size(name, info.st_size, max_bytes)
        with open(path, "rb") as file:
            data = file.read(max_bytes + 1)
    except (FileNotFoundError, NotADirectoryError):
        raise ImageError(f"{name} was not found.", "Check the file name and folder.") from None
    except PermissionError:
        advice = "Check the file's permissions, or copy it somewhere you can read."
        raise ImageError(f"{name} cannot be read (permission denied).", advice) from None
    except OSError as error:
        reason = (error.strerror or type(error).__name__).lower()
        raise ImageError(f"{name} cannot be read ({reason}).", "Check the file, then try again.") from None
    return _decode(data, name, max_pixels=max_pixels, max_bytes=max_bytes)


def load_image_bytes(
    data: bytes,
    name: str = "standard input",
    *,
    max_pixels: int = MAX_IMAGE_PIXELS,
    max_bytes: int = MAX_FILE_BYTES,
) -> Image.Image:
    """Fully decode the image in ``data`` as RGB; ``name`` says where it came from, in errors."""
    return _decode(bytes(data), clean_line(name) or "The input", max_pixels=max_pixels, max_bytes=max_bytes)


def to_rgb(image: Image.Image) -> Image.Image:
    """Return ``image`` as RGB: alpha composited onto white, 16-bit and float greys scaled to 8 bits."""
    mode = image.mode
    if mode == "RGB":
        return image
    if mode.startswith("I") or mode == "F":
        return Image.fromarray(_to_8bit(np.asarray(image)), "L").convert("RGB")
    if mode in _ALPHA_MODES or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, _WHITE)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def expand_inputs(paths: Iterable[str | os.PathLike[str]], *, skipped: list[Path] | None = None) -> list[Path]:
    """Turn command-line inputs into image (and video) files: a file (or a missing path) is kept as given, so that
    loading it reports any problem and a batch goes on; a folder becomes its files with a supported suffix
    (any case), found recursively (links followed, each folder read once, hidden names skipped) and sorted
    by path. An unreadable folder given here raises :class:`ImageError`; unreadable ones inside are skipped.
    Files in a folder that are neither images nor videos (hidden ones aside) are added to ``skipped``, if given.
    """
    result: list[Path] = []
    for item in paths:
        path = Path(item)
        if not path.is_dir():
            result.append(path)
            continue
        try:
            found = _walk(path, skipped)
        except OSError as error:
            reason = (error.strerror or type(error).__name__).lower()
            message = f"The folder {display_name(path)} cannot be read ({reason})."
            raise ImageError(message, "Check its permissions, or choose another folder.") from None
        result.extend(sorted(found, key=lambda p: ([part.casefold() for part in p.parts], p.parts)))
    return result


def _walk(top: Path, skipped: list[Path] | None = None) -> list[Path]:
    """Supported image and video files below ``top``, in no particular order; each real folder is read once."""
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    pending = [top]
    while pending:
        folder = pending.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in seen:
                continue  # a link back into a folder already read: no loops, no duplicates
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as entries:
                children = list(entries)
        except OSError:
            if folder is top:
                raise
            continue
        for entry in children:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir():
                    pending.append(folder / entry.name)
                elif entry.is_file() and os.path.splitext(entry.name)[1].lower() in _INPUT_SUFFIXES:
                    found.append(folder / entry.name)
                elif skipped is not None and entry.is_file():
                    skipped.append(folder / entry.name)
            except OSError:
                continue
    return found


def _decode(data: bytes, name: str, *, max_pixels: int, max_bytes: int) -> Image.Image:
    check_byte_size(name, len(data), max_bytes)
    with warnings.catch_warnings():
        # PIL warns about sizes and odd metadata; this function decides and explains instead.
        warnings.simplefilter("ignore")
        return _decode_quietly(data, name, max_pixels=max_pixels)


def _decode_quietly(data: bytes, name: str, *, max_pixels: int) -> Image.Image:
    source = _EofWatch(data)
    try:
        opened = Image.open(source, formats=ALLOWED_FORMATS)
    except Image.DecompressionBombError:
        raise too_many_pixels(name, None, max_pixels) from None
    except Exception:  # noqa: BLE001 - PIL raises many types for bad headers; all mean "not usable"
        raise not_readable(name, data) from None
    with opened:
        width, height = opened.size
        if width < 1 or height < 1:
            raise ImageError(f"{name} has no pixels ({width} x {height}).", CHOOSE)
        if width > MAX_SIDE or height > MAX_SIDE or width * height > max_pixels:
            raise too_many_pixels(name, (width, height), max_pixels)
        source.watching = True
        try:
            opened.load()
        except (MemoryError, Image.DecompressionBombError):
            raise too_many_pixels(name, (width, height), max_pixels) from None
        except Exception:  # noqa: BLE001 - decoders raise OSError, SyntaxError, ValueError, struct.error ...
            raise damaged(name) from None
        if source.hit_end:
            raise damaged(name)
        try:
            upright = ImageOps.exif_transpose(opened)
        except Exception:  # noqa: BLE001 - broken EXIF metadata: keep the pixels as stored
            upright = opened.copy()
        try:
            rgb = to_rgb(upright)
        except (ValueError, OSError):
            message = f"{name} uses a colour format that cannot be shown ({opened.mode})."
            raise ImageError(message, CHOOSE) from None
    return rgb


def _to_8bit(array: np.ndarray) -> np.ndarray:
    """Scale 16-bit (0..65535) greys to 0..255 with rounding; stretch any other range to fit."""
    if array.size == 0 or (array.dtype.kind == "u" and array.dtype.itemsize == 2):
        return ((array.astype(np.uint32) + 128) // 257).astype(np.uint8)
    low, high = float(array.min()), float(array.max())
    if array.dtype.kind == "f" and 0.0 <= low and high <= 1.0:
        return np.rint(array * 255.0).astype(np.uint8)
    if array.dtype.kind != "f" and 0 <= low and high <= 65535:
        return ((array.astype(np.int64) + 128) // 257).astype(np.uint8)
    if high <= low or not np.isfinite(high - low):
        return np.zeros(array.shape, np.uint8)
    scaled = (np.nan_to_num(array.astype(np.float64), nan=low) - low) * (255.0 / (high - low))
    return np.rint(np.clip(scaled, 0.0, 255.0)).astype(np.uint8)


class _EofWatch(io.BytesIO):
    """Bytes that notice a decoder asking for more after the end, so a cut-short file is refused even if
    something else in the process set PIL's ``ImageFile.LOAD_TRUNCATED_IMAGES`` (read nor changed here)."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.watching = False
        self.hit_end = False

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        if self.watching and not chunk and size != 0:
            self.hit_end = True
        return chunk


def shrink_to_pixels(image: Image.Image, max_pixels: int, *, min_side: int = 1, fast: bool = False) -> Image.Image:
    """``image`` as RGB, scaled down (aspect kept) to at most ``max_pixels`` pixels, each side at least
    ``min_side``; a small one is returned as it is. ``fast`` resamples bilinearly with a reducing gap, for
    frames grabbed several times a second; otherwise PIL's default (bicubic) filter is used."""
    rgb = image.convert("RGB")
    width, height = rgb.size
    if width * height <= max_pixels:
        return rgb
    scale = (max_pixels / (width * height)) ** 0.5
    size = (max(min_side, int(width * scale)), max(min_side, int(height * scale)))
    if fast:
        return rgb.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return rgb.resize(size)


#: qwen-vl-utils' ``smart_resize`` refuses a picture whose long side is 200 or more times its short side.
MAX_ASPECT = 200
#: Padded pictures get this shape, well inside the limit even after rounding to 28-pixel patches.
PADDED_ASPECT = 100
PAD_GREY = (128, 128, 128)


def fit_aspect(image: Image.Image) -> Image.Image:
    """``image`` itself, or, when it is more than MAX_ASPECT times wider than tall (or taller than wide), the same
    pixels centred on a neutral grey canvas PADDED_ASPECT times as long as it is deep.

    Padding rather than splitting: the model sees the whole strip at once, as one thing (a banner, a rule, a
    scrollbar), and can say what it is; pieces would be captioned as unrelated images. The padding is in the
    image, so the caption may mention a grey border. No pixel is lost or resampled here.
    """
    width, height = image.size
    long, short = max(width, height), max(1, min(width, height))
    if long / short <= MAX_ASPECT:
        return image
    depth = -(-long // PADDED_ASPECT)  # ceil: long / depth <= PADDED_ASPECT
    size = (width, depth) if width >= height else (depth, height)
    rgb = image.convert("RGB")
    canvas = Image.new("RGB", size, PAD_GREY)
    canvas.paste(rgb, ((size[0] - width) // 2, (size[1] - height) // 2))
    return canvas
