"""Writes the tray/app icons: one shape list per state and variant, saved as SVG and rendered to PNG sizes.

Run from anywhere: ``python resources/icons/render_icons.py`` (add ``--pil`` to force the Pillow fallback).
The SVGs and PNGs it writes are committed, so the app itself never needs this script.

The mark is a magnifying glass with an ink-dot pupil (an eye under a lens: "ink scope"). The state is a
badge in the bottom-right corner that differs in *shape*, not only colour:
idle = no badge, loading = hourglass, working = sound waves, error = disc with an exclamation mark.
Every shape sits on a halo (white rim) so the icon reads on both light and dark panels.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
VIEWBOX = 32
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
STATES = ("idle", "loading", "working", "error")
APP_ICON_NAME = "inkscope-desktop"  # the .desktop file's Icon=; a copy of the normal idle icon

Point = tuple[float, float]


@dataclass(frozen=True)
class Shape:
    """One primitive: kind is circle (centre, r), line (points), polygon (points) or arc (centre, r, a0, a1)."""

    kind: str
    points: tuple[Point, ...]
    r: float = 0.0
    angles: tuple[float, float] = (0.0, 0.0)
    fill: str | None = None
    stroke: str | None = None
    width: float = 0.0


@dataclass(frozen=True)
class Palette:
    halo: str
    halo_width: float  # added on each side of every shape
    ring: str
    lens: str
    pupil: str
    handle: str
    ring_width: float
    handle_width: float
    hourglass: str
    hourglass_edge: str
    waves: str
    wave_width: float
    error_disc: str
    error_edge: str | None
    error_mark: str


NORMAL = Palette(halo="#ffffff", halo_width=1.25, ring="#1d4ed8", lens="#dbeafe", pupil="#0f172a",
                 handle="#1e3a8a", ring_width=3.0, handle_width=4.5, hourglass="#f59e0b",
                 hourglass_edge="#78350f", waves="#15803d", wave_width=3.5, error_disc="#dc2626",
                 error_edge=None, error_mark="#ffffff")
HIGH_CONTRAST = Palette(halo="#ffffff", halo_width=1.5, ring="#000000", lens="#ffffff", pupil="#000000",
                        handle="#000000", ring_width=4.0, handle_width=5.5, hourglass="#ffff00",
                        hourglass_edge="#000000", waves="#000000", wave_width=3.5, error_disc="#ffff00",
                        error_edge="#000000", error_mark="#000000")


def _mark(p: Palette) -> list[Shape]:
    centre, r = (19.0, 12.0), 7.5
    rim = (centre[0] - r * math.sqrt(0.5), centre[1] + r * math.sqrt(0.5))
    return [
        Shape("line", (rim, (5.5, 25.5)), stroke=p.handle, width=p.handle_width),
        Shape("circle", (centre,), r=r, fill=p.lens, stroke=p.ring, width=p.ring_width),
        Shape("circle", (centre,), r=3.0 if p is HIGH_CONTRAST else 2.75, fill=p.pupil),
    ]


def _badge(state: str, p: Palette) -> list[Shape]:
    if state == "loading":
        hourglass = ((18.5, 17.5), (29.5, 17.5), (25.0, 24.0), (29.5, 30.5), (18.5, 30.5), (23.0, 24.0))
        edge = 2.0 if p is HIGH_CONTRAST else 1.75
        return [Shape("polygon", hourglass, fill=p.hourglass, stroke=p.hourglass_edge, width=edge)]
    if state == "working":
        # Spaced so that at 16 px each wave and each gap is at least a pixel wide.
        source = (16.0, 23.75)
        return [
            Shape("circle", (source,), r=2.0, fill=p.waves),
            Shape("arc", (source,), r=5.75, angles=(-45.0, 45.0), stroke=p.waves, width=p.wave_width),
            Shape("arc", (source,), r=11.75, angles=(-32.0, 32.0), stroke=p.waves, width=p.wave_width),
        ]
    if state == "error":
        edge = 2.0 if p.error_edge else 0.0
        return [
            Shape("circle", ((24.0, 24.0),), r=7.0, fill=p.error_disc, stroke=p.error_edge, width=edge),
            Shape("line", ((24.0, 20.0), (24.0, 24.75)), stroke=p.error_mark, width=3.0),
            Shape("circle", ((24.0, 28.25),), r=1.65, fill=p.error_mark),
        ]
    return []


def _with_halo(shapes: list[Shape], p: Palette) -> list[Shape]:
    """The group's shapes drawn once wider in the halo colour, then once for real on top."""
    halo = [Shape(s.kind, s.points, s.r, s.angles, fill=p.halo if s.fill else None, stroke=p.halo,
                  width=s.width + 2 * p.halo_width) for s in shapes]
    return halo + shapes


def layers(state: str, high_contrast: bool) -> list[Shape]:
    p = HIGH_CONTRAST if high_contrast else NORMAL
    # The badge's halo is drawn over the mark, so the badge is cut out of the lens where they overlap.
    return _with_halo(_mark(p), p) + _with_halo(_badge(state, p), p)


# --- SVG -------------------------------------------------------------------------------------------------------

def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _svg_shape(s: Shape) -> str:
    paint = f'fill="{s.fill or "none"}"'
    if s.stroke and s.width > 0:
        paint += f' stroke="{s.stroke}" stroke-width="{_num(s.width)}" stroke-linecap="round" stroke-linejoin="round"'
    if s.kind == "circle":
        (cx, cy), = s.points
        return f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(s.r)}" {paint}/>'
    if s.kind == "arc":
        (cx, cy), = s.points
        (x0, y0), (x1, y1) = (_on_circle(cx, cy, s.r, a) for a in s.angles)
        d = f"M{_num(x0)} {_num(y0)}A{_num(s.r)} {_num(s.r)} 0 0 1 {_num(x1)} {_num(y1)}"
        return f'<path d="{d}" {paint}/>'
    pts = " ".join(f"{_num(x)},{_num(y)}" for x, y in s.points)
    tag = "polygon" if s.kind == "polygon" else "polyline"
    return f'<{tag} points="{pts}" {paint}/>'


def _on_circle(cx: float, cy: float, r: float, degrees: float) -> Point:
    a = math.radians(degrees)
    return cx + r * math.cos(a), cy + r * math.sin(a)


def svg_text(state: str, high_contrast: bool) -> str:
    title = f"Inkscope: {state}{' (high contrast)' if high_contrast else ''}"
    body = "\n  ".join(_svg_shape(s) for s in layers(state, high_contrast))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{VIEWBOX}" height="{VIEWBOX}" '
            f'viewBox="0 0 {VIEWBOX} {VIEWBOX}">\n  <title>{title}</title>\n  {body}\n</svg>\n')


# --- PNG -------------------------------------------------------------------------------------------------------

def _render_qt(svg: str, size: int):
    """Renders with QtSvg; returns a PIL image, or None when QtSvg is not importable."""
    try:
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
        from PySide6.QtGui import QGuiApplication, QImage, QPainter
        from PySide6.QtSvg import QSvgRenderer
    except ImportError:
        return None
    from PIL import Image

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _render_qt.app = QGuiApplication([])  # kept alive for the script's lifetime
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(QByteArray(svg.encode())).render(painter, QRectF(0, 0, size, size))
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGBA")


def _render_pil(shapes: list[Shape], size: int):
    """Draws the same shapes with Pillow at 8x and scales down (the fallback when QtSvg is missing).

    Pillow's coordinates name pixel centres and its boxes include both end pixels, hence the half-pixel shifts.
    """
    from PIL import Image, ImageDraw

    scale = 8
    k = size * scale / VIEWBOX
    image = Image.new("RGBA", (size * scale, size * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def box(x: float, y: float, r: float) -> list[float]:
        return [(x - r) * k + 0.5, (y - r) * k + 0.5, (x + r) * k - 0.5, (y + r) * k - 0.5]

    def dot(x: float, y: float, r: float, colour: str) -> None:
        draw.ellipse(box(x, y, r), fill=colour)

    for s in shapes:
        w = round(s.width * k)
        if s.kind == "circle":
            (cx, cy), = s.points
            if s.stroke and s.width:
                dot(cx, cy, s.r + s.width / 2, s.stroke)
                if s.fill:
                    dot(cx, cy, s.r - s.width / 2, s.fill)
            elif s.fill:
                dot(cx, cy, s.r, s.fill)
            continue
        if s.kind == "arc":
            (cx, cy), = s.points
            r = s.r + s.width / 2
            draw.arc(box(cx, cy, r), *s.angles, fill=s.stroke, width=w)
            ends = [_on_circle(cx, cy, s.r, a) for a in s.angles]
        else:
            scaled = [(x * k - 0.5, y * k - 0.5) for x, y in s.points]
            if s.kind == "polygon" and s.fill:
                draw.polygon(scaled, fill=s.fill)
            closing = scaled[:1] if s.kind == "polygon" else []
            draw.line(scaled + closing, fill=s.stroke, width=w, joint="curve")
            ends = list(s.points)
        for x, y in ends:  # round caps and joins
            dot(x, y, s.width / 2, s.stroke)
    return image.reduce(scale)  # box filter: each pixel is the coverage of its block


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pil", action="store_true", help="draw the PNGs with Pillow even if QtSvg is available")
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (default: next to this script)")
    args = parser.parse_args(argv)

    renderer = "pillow"
    for state in STATES:
        for high_contrast in (False, True):
            name = f"inkscope-{state}{'-high-contrast' if high_contrast else ''}"
            names = [name] + ([APP_ICON_NAME] if (state, high_contrast) == ("idle", False) else [])
            svg = svg_text(state, high_contrast)
            for each in names:
                (args.out / f"{each}.svg").write_text(svg, encoding="utf-8")
            for size in SIZES:
                image = None if args.pil else _render_qt(svg, size)
                renderer = "pillow" if image is None else "qtsvg"
                if image is None:
                    image = _render_pil(layers(state, high_contrast), size)
                folder = args.out / "png" / str(size)
                folder.mkdir(parents=True, exist_ok=True)
                for each in names:
                    image.save(folder / f"{each}.png", optimize=True)
    print(f"wrote {len(STATES) * 2} icons x {len(SIZES)} sizes to {args.out} (PNGs by {renderer})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
