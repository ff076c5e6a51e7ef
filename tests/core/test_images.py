"""Image input: every accepted format and mode loads as RGB; every bad input is one plain ImageError."""

from __future__ import annotations

import io
import os
import struct
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile

from inkscope_desktop.core import images
from inkscope_desktop.core.errors import ImageError
from inkscope_desktop.core.images import (
    MAX_IMAGE_PIXELS,
    SUPPORTED_SUFFIXES,
    expand_inputs,
    load_image,
    load_image_bytes,
    to_rgb,
)

RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)
_IS_ROOT = os.name != "posix" or os.geteuid() == 0


def _two_colour(size: tuple[int, int] = (40, 20)) -> Image.Image:
    """Left half red, right half blue."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return image


def _encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _close(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected))


def _png_with_size(width: int, height: int) -> bytes:
    """A real 1x1 PNG whose IHDR claims another size, with a correct CRC."""
    data = bytearray(_encode(Image.new("RGB", (1, 1)), "PNG"))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def _rejects(path_or_data: Path | bytes, name: str, *fragments: str, **limits: int) -> ImageError:
    """Load, expect an ImageError that is one plain line naming the input, with advice."""
    with pytest.raises(ImageError) as caught:
        if isinstance(path_or_data, bytes):
            load_image_bytes(path_or_data, name, **limits)
        else:
            load_image(path_or_data, **limits)
    error = caught.value
    text = str(error)
    assert "\n" not in text and "Traceback" not in text
    assert name in error.message, text
    assert error.advice, text
    assert error.__cause__ is None, "PIL's exception must not leak as the cause"
    assert error.__context__ is None or error.__suppress_context__
    for fragment in fragments:
        assert fragment in text, text
    return error


# --- accepted inputs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "suffix", "options", "lossless"),
    [
        ("PNG", ".png", {}, True),
        ("JPEG", ".jpg", {"quality": 95}, False),
        ("JPEG", ".jpe", {"progressive": True}, False),
        ("WEBP", ".webp", {"lossless": True}, True),
        ("WEBP", ".WEBP", {"quality": 90}, False),
        ("BMP", ".bmp", {}, True),
        ("GIF", ".gif", {}, True),
        ("TIFF", ".tif", {}, True),
        ("TIFF", ".tiff", {"compression": "tiff_lzw"}, True),
    ],
)
def test_every_supported_format_loads_as_detached_rgb(
    tmp_path: Path, fmt: str, suffix: str, options: dict[str, object], lossless: bool
) -> None:
    path = _write(tmp_path / f"picture{suffix}", _encode(_two_colour(), fmt, **options))
    image = load_image(path)
    path.unlink()  # detached: the pixels stay usable without the file
    assert image.mode == "RGB" and image.size == (40, 20)
    assert not isinstance(image, ImageFile.ImageFile)
    tolerance = 0 if lossless else 30
    assert _close(image.getpixel((5, 10)), RED, tolerance)
    assert _close(image.getpixel((35, 10)), BLUE, tolerance)


def test_str_path_and_content_not_suffix_decides(tmp_path: Path) -> None:
    path = _write(tmp_path / "actually-a-png.jpg", _encode(_two_colour(), "PNG"))
    assert load_image(str(path)).getpixel((0, 0)) == RED


def test_load_image_bytes(tmp_path: Path) -> None:
    image = load_image_bytes(_encode(_two_colour(), "PNG"))
    assert image.mode == "RGB" and image.getpixel((39, 0)) == BLUE


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_exif_orientation_is_applied(tmp_path: Path, fmt: str) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned left: show it rotated 90 degrees clockwise
    path = _write(tmp_path / "phone", _encode(_two_colour(), fmt, exif=exif.tobytes()))
    image = load_image(path)
    assert image.size == (20, 40)
    assert _close(image.getpixel((10, 5)), RED, 30)  # the left half is now on top
    assert _close(image.getpixel((10, 35)), BLUE, 30)


@pytest.mark.parametrize("fmt", ["PNG", "GIF"])
def test_palette_with_transparency_goes_onto_white(tmp_path: Path, fmt: str) -> None:
    image = Image.new("P", (4, 4), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.putpixel((0, 0), 0)
    path = _write(tmp_path / f"icon.{fmt.lower()}", _encode(image, fmt, transparency=0))
    loaded = load_image(path)
    assert loaded.getpixel((0, 0)) == WHITE
    assert loaded.getpixel((3, 3)) == RED


def test_rgba_goes_onto_white(tmp_path: Path) -> None:
    image = Image.new("RGBA", (3, 1), (0, 0, 0, 255))
    image.putpixel((1, 0), (0, 0, 0, 0))
    image.putpixel((2, 0), (0, 0, 0, 128))
    loaded = load_image(_write(tmp_path / "alpha.png", _encode(image, "PNG")))
    assert loaded.getpixel((0, 0)) == (0, 0, 0)
    assert loaded.getpixel((1, 0)) == WHITE
    assert _close(loaded.getpixel((2, 0)), (127, 127, 127), 2)


@pytest.mark.parametrize(("mode", "colour"), [("LA", (0, 0)), ("L", 0)])
def test_grey_with_alpha_or_trns_goes_onto_white(tmp_path: Path, mode: str, colour: object) -> None:
    image = Image.new(mode, (2, 2), colour)  # type: ignore[arg-type]
    options = {"transparency": 0} if mode == "L" else {}
    loaded = load_image(_write(tmp_path / "grey.png", _encode(image, "PNG", **options)))
    assert loaded.getpixel((1, 1)) == WHITE


def test_webp_with_alpha_goes_onto_white(tmp_path: Path) -> None:
    image = Image.new("RGBA", (8, 8), (0, 0, 255, 0))
    loaded = load_image(_write(tmp_path / "clear.webp", _encode(image, "WEBP", lossless=True)))
    assert loaded.getpixel((4, 4)) == WHITE


def test_cmyk_jpeg_becomes_rgb(tmp_path: Path) -> None:
    image = Image.new("CMYK", (16, 16), (0, 255, 255, 0))  # red
    loaded = load_image(_write(tmp_path / "print.jpg", _encode(image, "JPEG", quality=95)))
    assert loaded.mode == "RGB" and _close(loaded.getpixel((8, 8)), RED, 12)


@pytest.mark.parametrize("fmt", ["PNG", "TIFF"])
def test_16_bit_grey_is_scaled_not_clipped(tmp_path: Path, fmt: str) -> None:
    values = np.array([[0, 1000, 32768, 65535]], dtype=np.uint16)
    path = _write(tmp_path / "scan", _encode(Image.fromarray(values), fmt))
    with Image.open(path) as raw:
        assert raw.mode.startswith("I")
    loaded = load_image(path)
    assert [loaded.getpixel((x, 0)) for x in range(4)] == [(0, 0, 0), (4, 4, 4), (128, 128, 128), WHITE]


def test_32_bit_and_float_greys_are_scaled() -> None:
    sixteen_in_32 = to_rgb(Image.fromarray(np.array([[0, 32768, 65535]], dtype=np.int32)))
    assert sixteen_in_32.getpixel((1, 0)) == (128, 128, 128)
    wide = to_rgb(Image.fromarray(np.array([[-1000, 0, 1000]], dtype=np.int32)))
    assert [wide.getpixel((x, 0))[0] for x in range(3)] == [0, 128, 255]
    unit = to_rgb(Image.fromarray(np.array([[0.0, 0.5, 1.0]], dtype=np.float32)))
    assert [unit.getpixel((x, 0))[0] for x in range(3)] == [0, 128, 255]
    flat = to_rgb(Image.fromarray(np.full((2, 2), 7e6, dtype=np.float32)))
    assert flat.mode == "RGB"


def test_to_rgb_keeps_rgb_and_converts_others() -> None:
    rgb = Image.new("RGB", (2, 2), RED)
    assert to_rgb(rgb) is rgb
    assert to_rgb(Image.new("1", (2, 2), 1)).getpixel((0, 0)) == WHITE
    assert to_rgb(Image.new("RGBA", (2, 2), (9, 9, 9, 0))).getpixel((0, 0)) == WHITE


def test_gif_first_frame(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (10, 10), colour) for colour in (RED, (0, 255, 0), BLUE)]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert load_image(path).getpixel((5, 5)) == RED


def test_loading_changes_no_pil_globals(tmp_path: Path) -> None:
    before = (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES)
    load_image(_write(tmp_path / "a.png", _encode(_two_colour(), "PNG")))
    with pytest.raises(ImageError):
        load_image_bytes(_png_with_size(100_000, 100_000), "bomb.png")
    assert (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES) == before


# --- rejected inputs -----------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    _rejects(tmp_path / "gone.png", "gone.png", "not found")
    _rejects(tmp_path / "no-folder" / "gone.png", "gone.png", "not found")


def test_directory(tmp_path: Path) -> None:
    (tmp_path / "shots").mkdir()
    _rejects(tmp_path / "shots", "shots", "folder")


def test_empty_file(tmp_path: Path) -> None:
    _rejects(_write(tmp_path / "empty.png", b""), "empty.png", "empty")
    _rejects(b"", "standard input", "empty")


def test_text_named_png(tmp_path: Path) -> None:
    path = _write(tmp_path / "photo.png", "Dear diary, today I saw a café.\n".encode())
    _rejects(path, "photo.png", "not an image", "looks like text", "PNG, JPEG, WebP, BMP, GIF or TIFF")


def test_random_binary(tmp_path: Path) -> None:
    data = bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8))
    _rejects(_write(tmp_path / "noise.bin", b"\x00\x01" + data), "noise.bin", "not an image")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP"])
@pytest.mark.parametrize("truncate_flag", [False, True])
def test_truncated_image(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, truncate_flag: bool
) -> None:
    # Even if other code in the process set LOAD_TRUNCATED_IMAGES, a cut-short file is refused.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", truncate_flag)
    noise = np.random.default_rng(2).integers(0, 256, (120, 160, 3), dtype=np.uint8)
    data = _encode(Image.fromarray(noise), fmt)
    name = f"cut.{fmt.lower()}"
    _rejects(_write(tmp_path / name, data[: len(data) * 2 // 3]), name, "damaged")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is truncate_flag


def test_header_only_png(tmp_path: Path) -> None:
    data = _encode(_two_colour(), "PNG")[:20]
    _rejects(_write(tmp_path / "stub.png", data), "stub.png", "damaged")


def test_decompression_bomb_is_refused_fast(tmp_path: Path, recwarn: pytest.WarningsRecorder) -> None:
    path = _write(tmp_path / "bomb.png", _png_with_size(100_000, 100_000))
    started = time.perf_counter()
    _rejects(path, "bomb.png", "too large")
    assert time.perf_counter() - started < 1.0
    assert not recwarn.list, "PIL's size warnings must not leak"


def test_our_pixel_limit_holds_without_pils(
    monkeypatch: pytest.MonkeyPatch, recwarn: pytest.WarningsRecorder
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)  # another library may switch PIL's check off
    started = time.perf_counter()
    _rejects(_png_with_size(60_000, 60_000), "bomb.png", "too large", "60000 x 60000")
    _rejects(_png_with_size(10_000, 10_000), "big.png", "too large")  # between ours and PIL's default
    assert time.perf_counter() - started < 1.0
    assert MAX_IMAGE_PIXELS == 64_000_000
    assert not recwarn.list


def test_pixel_limit_is_a_parameter() -> None:
    data = _encode(_two_colour((100, 100)), "PNG")
    _rejects(data, "small.png", "too large", max_pixels=5_000)
    assert load_image_bytes(data, max_pixels=10_000).size == (100, 100)


def test_absurd_side_is_refused() -> None:
    _rejects(_png_with_size(70_000, 1), "wide.png", "too large")


def test_zero_side_is_refused() -> None:
    _rejects(_png_with_size(0, 10), "flat.png")


def test_file_size_limit_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "huge.png", _encode(_two_colour(), "PNG"))

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(images, "open", no_open, raising=False)
    _rejects(path, "huge.png", "too large", "MiB", max_bytes=10)
    _rejects(b"x" * 11, "piped", "too large", max_bytes=10)


@pytest.mark.parametrize(
    ("fmt", "suffix", "kind"),
    [("ICO", ".ico", "ICO icon"), ("PCX", ".pcx", "PCX image"), ("PDF", ".pdf", "PDF document"),
     ("PPM", ".ppm", "PPM/PGM/PBM"), ("TGA", ".tga", "TGA image"), ("SGI", ".sgi", "not an image")],
)
def test_formats_pil_knows_but_we_refuse(tmp_path: Path, fmt: str, suffix: str, kind: str) -> None:
    path = _write(tmp_path / f"thing{suffix}", _encode(_two_colour((32, 32)), fmt))
    _rejects(path, f"thing{suffix}", kind, "Choose a PNG")


def test_svg_is_refused(tmp_path: Path) -> None:
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    _rejects(_write(tmp_path / "logo.svg", svg), "logo.svg", "SVG")


@pytest.mark.skipif(_IS_ROOT, reason="root (or a non-POSIX system) reads files whatever their permissions")
def test_permission_denied(tmp_path: Path) -> None:
    path = _write(tmp_path / "secret.png", _encode(_two_colour(), "PNG"))
    path.chmod(0)
    try:
        _rejects(path, "secret.png", "permission denied")
    finally:
        path.chmod(0o600)


def test_permission_denied_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Runs as root too: the OS refusal is simulated where the module opens the file.
    path = _write(tmp_path / "secret.png", _encode(_two_colour(), "PNG"))

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(images, "open", refuse, raising=False)
    _rejects(path, "secret.png", "permission denied")


def test_odd_file_names_stay_on_one_line(tmp_path: Path) -> None:
    with pytest.raises(ImageError) as caught:
        load_image_bytes(b"not an image at all", "two\nlines\x07.png")
    assert str(caught.value).startswith("two?lines?.png is not an image")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fmt=st.sampled_from(["PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP"]), data=st.data())
def test_damaged_bytes_never_leak_a_pil_exception(fmt: str, data: st.DataObject) -> None:
    original = bytearray(_encode(_two_colour((24, 16)), fmt))
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(original) - 1), st.integers(0, 255)), max_size=6))
    for index, value in flips:
        original[index] = value
    cut = data.draw(st.integers(0, len(original)))
    try:
        image = load_image_bytes(bytes(original[:cut]) if cut else bytes(original), "fuzz")
    except ImageError as error:
        assert "\n" not in str(error) and "fuzz" in error.message
    else:
        assert image.mode == "RGB"


# --- expand_inputs -------------------------------------------------------------------------------------


def test_supported_suffixes() -> None:
    assert SUPPORTED_SUFFIXES == {".png", ".jpg", ".jpeg", ".jpe", ".webp", ".bmp", ".gif", ".tif", ".tiff"}
    assert isinstance(SUPPORTED_SUFFIXES, frozenset)


def _tree(root: Path) -> None:
    for name in ["b.png", "a.JPG", "notes.txt", "sub/c.webp", "sub/deeper/f.TIFF", "sub/readme.md",
                 ".hidden/d.png", ".e.png", "sub/.cache/g.gif", "Zed/h.bmp", "sub2/i.jpeg"]:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"x")


def test_expand_walks_filters_sorts_and_skips_hidden(tmp_path: Path) -> None:
    _tree(tmp_path / "shots")
    found = expand_inputs([tmp_path / "shots"])
    assert [p.relative_to(tmp_path / "shots").as_posix() for p in found] == [
        "a.JPG", "b.png", "sub/c.webp", "sub/deeper/f.TIFF", "sub2/i.jpeg", "Zed/h.bmp"
    ]


def test_expand_keeps_files_and_missing_paths_in_order(tmp_path: Path) -> None:
    _tree(tmp_path / "shots")
    notes = tmp_path / "shots" / "notes.txt"
    found = expand_inputs([str(notes), tmp_path / "missing.png", tmp_path / "shots" / "sub" / "deeper"])
    assert found == [notes, tmp_path / "missing.png", tmp_path / "shots" / "sub" / "deeper" / "f.TIFF"]
    assert all(isinstance(p, Path) for p in found)


def test_expand_hidden_folder_named_explicitly_is_walked(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert expand_inputs([tmp_path / ".hidden"]) == [tmp_path / ".hidden" / "d.png"]


def test_expand_survives_symlink_loops(tmp_path: Path) -> None:
    _tree(tmp_path / "shots")
    try:
        (tmp_path / "shots" / "sub" / "loop").symlink_to(tmp_path / "shots", target_is_directory=True)
        (tmp_path / "shots" / "self").symlink_to(tmp_path / "shots" / "self")  # a link to itself
    except OSError:
        pytest.skip("symlinks are not available here")
    found = expand_inputs([tmp_path / "shots"])
    assert len(found) == 6 and len({p.resolve() for p in found}) == 6


def test_expand_empty_and_nothing() -> None:
    assert expand_inputs([]) == []


@pytest.mark.skipif(_IS_ROOT, reason="root (or a non-POSIX system) lists folders whatever their permissions")
def test_expand_unreadable_folder(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        with pytest.raises(ImageError, match="locked"):
            expand_inputs([locked])
    finally:
        locked.chmod(0o700)
