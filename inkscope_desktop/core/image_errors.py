"""Why a file is not a usable image, said plainly: empty, too large, damaged, another format, text or junk."""

from __future__ import annotations

import os

from inkscope_desktop.core.errors import ImageError

#: Largest width or height accepted, in pixels.
MAX_SIDE = 65_535
#: The advice that ends most of these errors.
CHOOSE = "Choose a PNG, JPEG, WebP, BMP, GIF or TIFF file."


#: Leading bytes of supported formats (BMP, WebP checked apart): such a file that will not open is damaged.
_SUPPORTED_MAGIC = (b"\x89PNG\r\n", b"\xff\xd8\xff", b"GIF8", b"II*\0", b"MM\0*", b"II+\0", b"MM\0+")


_DIB_HEADER_SIZES = {size.to_bytes(4, "little") for size in (12, 40, 52, 56, 64, 108, 124)}


#: Leading bytes of common formats Inkscope does not read, with the name a user knows them by.
_OTHER_MAGIC = (
    (b"%PDF", "a PDF document"), (b"\0\0\1\0", "an ICO icon"), (b"\0\0\2\0", "a CUR cursor"),
    (b"8BPS", "a Photoshop (PSD) image"), (b"icns", "an ICNS icon"), (b"qoif", "a QOI image"),
    (b"DDS ", "a DDS texture"), (b"gimp xcf", "a GIMP (XCF) image"), (b"%!PS", "a PostScript file"),
    (b"\0\0\0\x0cjP  ", "a JPEG 2000 image"), (b"\xff\x4f\xff\x51", "a JPEG 2000 image"),
    (b"\xff\x0a", "a JPEG XL image"), (b"\0\0\0\x0cJXL ", "a JPEG XL image"),
    (b"PK\3\4", "a ZIP archive"), (b"\x1f\x8b", "a gzip archive"),
)


def check_byte_size(name: str, size: int, max_bytes: int) -> None:
    if size == 0:
        raise ImageError(f"{name} is empty (0 bytes).", CHOOSE)
    if size > max_bytes:
        message = f"{name} is too large ({size / 2**20:.0f} MiB; the limit is {max_bytes / 2**20:.0f} MiB)."
        raise ImageError(message, "Save a smaller copy, for example as PNG or JPEG.")


def too_many_pixels(name: str, size: tuple[int, int] | None, max_pixels: int) -> ImageError:
    shown = f"{size[0]} x {size[1]} pixels" if size else "far too many pixels"
    limit = f"the limit is {max_pixels:,} pixels, at most {MAX_SIDE} on a side"
    return ImageError(f"{name} is too large to describe ({shown}; {limit}).", "Scale it down or crop it.")


def damaged(name: str) -> ImageError:
    return ImageError(f"{name} is damaged or incomplete and cannot be decoded.", "Save or download it again.")


def not_readable(name: str, data: bytes) -> ImageError:
    """The error for data no allowed decoder would open: damaged, another format, text or junk."""
    head = data[:2048]
    if head.startswith(_SUPPORTED_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP") or _is_bmp(head):
        return damaged(name)
    kind = _other_format(head, data)
    if kind:
        return ImageError(f"{name} is {kind}, which Inkscope cannot read.", f"Convert it to PNG. {CHOOSE}")
    if _looks_like_text(head):
        return ImageError(f"{name} is not an image (it looks like text).", CHOOSE)
    return ImageError(f"{name} is not an image Inkscope can read.", CHOOSE)


def _is_bmp(head: bytes) -> bool:
    """"BM" and a known DIB header size, so that text starting "BM" is not taken for a damaged bitmap."""
    return head[:2] == b"BM" and head[14:18] in _DIB_HEADER_SIZES


def _other_format(head: bytes, data: bytes) -> str | None:
    """The plain name of a common non-supported format, from its leading (or, for TGA, trailing) bytes."""
    if data[-18:] == b"TRUEVISION-XFILE.\x00":
        return "a TGA image"
    for magic, kind in _OTHER_MAGIC:
        if head.startswith(magic) and not (magic[:2] == b"\0\0" and not any(head[4:6])):  # 0 icons: TGA
            return kind
    if head[4:8] == b"ftyp":
        return "a HEIC, AVIF or video file"
    if head[:1] == b"\x0a" and head[2:3] == b"\x01":
        return "a PCX image"
    if head[:1] == b"P" and head[1:2] in b"1234567" and head[2:3] in b" \t\r\n":
        return "a PPM/PGM/PBM image"
    if b"<svg" in head.lower():
        return "an SVG drawing"
    return None


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:  # a character cut at the end of the sample is still text
        return b"\0" not in head and error.start >= len(head) - 4
    return b"\0" not in head


def display_name(path: str | os.PathLike[str]) -> str:
    text = os.fsdecode(path)
    return clean_line(os.path.basename(text.rstrip("/\\")) or text) or "The file"


def clean_line(text: str) -> str:
    """One printable line: control characters (even in odd file names) become '?'."""
    return "".join(char if char.isprintable() else "?" for char in str(text)).strip()
