"""The blank-image guard: flat images are named plainly; anything with content, however thin, is not blank."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PIL import Image, ImageDraw

from inkscope_desktop.core.blank import blank_colour, blank_notice, colour_name


def _noisy(size: tuple[int, int], colour: tuple[int, int, int], sigma: float, seed: int = 0) -> Image.Image:
    width, height = size
    noise = np.random.default_rng(seed).normal(0.0, sigma, (height, width, 3))
    pixels = np.clip(np.asarray(colour, dtype=np.float64) + noise, 0, 255).round().astype(np.uint8)
    return Image.fromarray(pixels, "RGB")


@pytest.mark.parametrize(
    ("colour", "name"),
    [
        ((0, 0, 0), "black"),
        ((255, 255, 255), "white"),
        ((128, 128, 128), "grey"),
        ((64, 64, 64), "dark grey"),
        ((32, 32, 32), "dark grey"),
        ((211, 211, 211), "light grey"),
        ((255, 0, 0), "red"),
        ((128, 0, 0), "dark red"),
        ((0, 255, 0), "green"),
        ((0, 100, 0), "dark green"),
        ((0, 0, 255), "blue"),
        ((0, 0, 128), "dark blue"),
        ((0, 120, 215), "blue"),
        ((173, 216, 230), "light blue"),
        ((255, 255, 0), "yellow"),
        ((255, 165, 0), "orange"),
        ((128, 0, 128), "purple"),
        ((255, 192, 203), "pink"),
        ((255, 0, 255), "pink"),
        ((139, 69, 19), "brown"),
        ((210, 180, 140), "light brown"),
        ((0, 255, 255), "cyan"),
    ],
)
def test_flat_colours_are_named(colour: tuple[int, int, int], name: str) -> None:
    assert colour_name(colour) == name
    assert blank_colour(Image.new("RGB", (320, 200), colour)) == f"solid {name}"


def test_screen_sized_black_white_and_grey() -> None:
    assert blank_colour(Image.new("RGB", (1920, 1080), "black")) == "solid black"
    assert blank_colour(Image.new("RGB", (1920, 1080), "white")) == "solid white"
    assert blank_colour(Image.new("RGB", (1920, 1080), (128, 128, 128))) == "solid grey"


def test_slight_noise_is_still_blank() -> None:
    small = Image.fromarray(
        (np.random.default_rng(3).integers(-3, 4, (60, 80, 3)) + 20).astype(np.uint8), "RGB"
    )  # every channel within 6 levels
    assert blank_colour(small) == "solid black"
    # Sensor-like noise: single pixels stray further, but it averages away.
    assert blank_colour(_noisy((1920, 1080), (128, 128, 128), sigma=2.0)) == "solid grey"
    assert blank_colour(_noisy((1920, 1080), (0, 0, 128), sigma=2.0)) == "solid dark blue"


def test_heavy_noise_is_not_blank() -> None:
    assert blank_colour(_noisy((1920, 1080), (128, 128, 128), sigma=20.0)) is None


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)])
def test_a_single_thin_line_is_not_blank(size: tuple[int, int]) -> None:
    width, height = size
    horizontal = Image.new("RGB", size, "white")
    ImageDraw.Draw(horizontal).line([(0, height // 2), (width - 1, height // 2)], fill=(40, 40, 40))
    assert blank_colour(horizontal) is None
    vertical = Image.new("RGB", size, "black")
    ImageDraw.Draw(vertical).line([(width // 3, 0), (width // 3, height - 1)], fill=(200, 200, 200))
    assert blank_colour(vertical) is None


def test_a_tiny_word_is_not_blank() -> None:
    screen = Image.new("RGB", (1920, 1080), "black")
    ImageDraw.Draw(screen).text((900, 530), "No signal", fill=(230, 230, 230))
    assert blank_colour(screen) is None
    dot = Image.new("RGB", (1920, 1080), (128, 128, 128))
    dot.putpixel((5, 5), (0, 0, 0))
    assert blank_colour(dot) is None


def test_gradients_are_not_blank() -> None:
    ramp = np.tile(np.linspace(0, 255, 1280).astype(np.uint8)[None, :, None], (720, 1, 3))
    assert blank_colour(Image.fromarray(ramp, "RGB")) is None
    subtle = np.tile(np.linspace(100, 120, 720).astype(np.uint8)[:, None, None], (1, 1280, 3))
    assert blank_colour(Image.fromarray(subtle, "RGB")) is None


def test_one_pixel_image() -> None:
    assert blank_colour(Image.new("RGB", (1, 1), (255, 0, 0))) == "solid red"


def test_other_modes_are_converted_first() -> None:
    # blank_colour expects RGB (what load_image returns) but converts anything else, alpha onto white.
    assert blank_colour(Image.new("RGBA", (50, 50), (0, 0, 0, 0))) == "solid white"
    assert blank_colour(Image.new("RGBA", (50, 50), (255, 0, 0, 255))) == "solid red"
    assert blank_colour(Image.new("L", (50, 50), 0)) == "solid black"
    assert blank_colour(Image.new("P", (50, 50), 0)) == "solid black"
    drawn = Image.new("RGBA", (50, 50), (0, 0, 0, 0))
    ImageDraw.Draw(drawn).line([(0, 25), (49, 25)], fill=(0, 0, 0, 255))
    assert blank_colour(drawn) is None


def test_input_is_left_alone() -> None:
    image = Image.new("RGBA", (10, 10), (1, 2, 3, 0))
    blank_colour(image)
    assert image.mode == "RGBA" and image.getpixel((0, 0)) == (1, 2, 3, 0)


def test_empty_image_is_not_called_blank() -> None:
    assert blank_colour(Image.new("RGB", (0, 0))) is None


def test_4k_check_is_fast() -> None:
    images = [Image.new("RGB", (3840, 2160), "black"), _noisy((3840, 2160), (128, 128, 128), sigma=2.0)]
    for image in images:
        blank_colour(image)
        best = min(_timed(blank_colour, image) for _ in range(3))
        assert best < 0.2, f"{best * 1000:.0f} ms"  # about 16 ms on two CPU cores; generous for busy machines


def _timed(function: object, image: Image.Image) -> float:
    started = time.perf_counter()
    function(image)  # type: ignore[operator]
    return time.perf_counter() - started


def test_blank_notice() -> None:
    assert blank_notice("screen", "solid black") == "The screen is blank: solid black."
    assert blank_notice("window", "solid dark blue") == "The window is blank: solid dark blue."
    assert blank_notice("  region ", "solid white.") == "The region is blank: solid white."
    assert blank_notice("", "solid grey") == "The image is blank: solid grey."
