"""The blank-image guard: spot a one-colour image and name its colour, so the model is not asked to invent."""

from __future__ import annotations

import colorsys

import numpy as np
from PIL import Image

from inkscope_desktop.core.images import to_rgb

#: Largest per-channel spread (max - min) of a flat image, at full size or after box-averaging.
FLAT_RANGE = 6
#: Largest per-channel spread at full size that may still be noise, if averaging flattens it.
NOISE_RANGE = 24
#: Long side of the box-averaged copy used to tell noise from thin detail.
SAMPLE_SIDE = 256

#: Upper hue limits (degrees) of each colour name; above the last, red again.
_HUES = (
    (15, "red"), (45, "orange"), (70, "yellow"), (165, "green"), (190, "cyan"), (255, "blue"),
    (290, "purple"), (340, "pink"),
)


def blank_colour(image: Image.Image) -> str | None:
    """Describe ``image`` as "solid <colour>" when it is one flat colour, else return ``None``.

    ``image`` is expected to be RGB (as :func:`inkscope_desktop.core.images.load_image` returns); any
    other mode is converted first (alpha onto white). The full-size per-channel extremes come exactly from
    one histogram pass (no pixel copy; about 16 ms for 3840x2160 on two cores), so a single 1-pixel line
    or a tiny word keeps an image from being called blank, unless it differs by no more than
    ``NOISE_RANGE`` levels. Such small spreads are still called blank when a box-averaged copy of at most
    ``SAMPLE_SIDE`` pixels is flat within ``FLAT_RANGE`` (noise averages away); a smooth gradient is not.
    """
    rgb = to_rgb(image)
    if rgb.width < 1 or rgb.height < 1:
        return None
    low, high, mean = _stats(rgb)
    spread = int((high - low).max())
    if spread > NOISE_RANGE:
        return None
    if spread > FLAT_RANGE:
        sample_low, sample_high, _ = _stats(_sample(rgb))
        if int((sample_high - sample_low).max()) > FLAT_RANGE:
            return None
    return "solid " + colour_name((float(mean[0]), float(mean[1]), float(mean[2])))


def blank_notice(subject: str, colour: str) -> str:
    """The sentence spoken instead of a caption, e.g. "The screen is blank: solid black."."""
    subject = " ".join(subject.split()) or "image"
    colour = " ".join(colour.split()).rstrip(".") or "one colour"
    return f"The {subject} is blank: {colour}."


def colour_name(rgb: tuple[float, float, float]) -> str:
    """A plain colour name for an sRGB triple (0-255): "black", "light grey", "dark blue", "brown" ..."""
    red, green, blue = (min(max(float(value), 0.0), 255.0) / 255.0 for value in rgb)
    hue, lightness, _ = colorsys.rgb_to_hls(red, green, blue)
    value = max(red, green, blue)
    if value < 0.1:
        return "black"
    if value - min(red, green, blue) < 0.09:  # too little colour to name: a grey
        return _grey_name(lightness)
    base = _hue_name(hue * 360.0)
    chroma = value - min(red, green, blue)
    if base == "orange" and (value < 0.7 or chroma < 0.3):
        return "dark brown" if value < 0.35 else "brown" if value < 0.7 else "light brown"
    if base == "red" and lightness > 0.7:
        return "pink"
    if base == "pink" and value < 0.62:
        return "dark purple" if value < 0.35 else "purple"  # dark magenta reads as purple
    if value < 0.62:
        return "dark " + base
    if lightness > 0.72:
        return "light " + base
    return base


def _grey_name(lightness: float) -> str:
    if lightness < 0.1:
        return "black"
    if lightness < 0.38:
        return "dark grey"
    if lightness < 0.66:
        return "grey"
    if lightness < 0.92:
        return "light grey"
    return "white"


def _hue_name(degrees: float) -> str:
    for limit, name in _HUES:
        if degrees < limit:
            return name
    return "red"


def _stats(image: Image.Image) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-channel minimum, maximum and mean from one histogram pass (C speed, no pixel copy)."""
    counts = np.asarray(image.histogram(), dtype=np.float64).reshape(3, 256)
    present = counts > 0
    low = present.argmax(axis=1)
    high = 255 - present[:, ::-1].argmax(axis=1)
    mean = counts @ np.arange(256.0) / counts.sum(axis=1)
    return low, high, mean


def _sample(image: Image.Image) -> Image.Image:
    """A box-averaged copy at most ``SAMPLE_SIDE`` pixels on its long side."""
    factor = -(-max(image.size) // SAMPLE_SIDE)
    return image.reduce(factor) if factor > 1 else image
