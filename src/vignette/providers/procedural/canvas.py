"""Low-level drawing helpers shared by every layer: colours, noise and masked fills."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

Color = tuple[float, float, float]


@dataclass(frozen=True)
class Patch:
    """A fill image covering the full width from row `top` down."""

    image: Image.Image
    top: int


# float32 where we control allocation; numpy promotes to float64 in places, which is fine.
Array = npt.NDArray[np.floating[Any]]
# A flat colour, an image anchored to the bottom of the canvas, or a placed patch.
Fill = Color | Image.Image | Patch

# Silhouettes are drawn 4x larger and shrunk so polygon edges are anti-aliased.
SUPERSAMPLE = 4


def mix(a: Color, b: Color, t: float) -> Color:
    """Linear blend of two colours; t=0 gives a, t=1 gives b."""
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t)


def scale(c: Color, k: float) -> Color:
    """A colour multiplied by a brightness factor."""
    return (c[0] * k, c[1] * k, c[2] * k)


def modulate(c: Color, light: Color) -> Color:
    """A surface colour lit by a light colour given as per-channel factors."""
    return (c[0] * light[0], c[1] * light[1], c[2] * light[2])


def luminance(c: Color) -> float:
    """Perceived brightness of a colour, 0..255."""
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def rgb(c: Color) -> tuple[int, int, int]:
    """A colour clipped and rounded for PIL."""
    return (
        min(255, max(0, round(c[0]))),
        min(255, max(0, round(c[1]))),
        min(255, max(0, round(c[2]))),
    )


def gradient(stops: Sequence[tuple[float, Color]], positions: Array) -> Array:
    """Colours (len(positions), 3) interpolated between (position, colour) stops."""
    xs = [p for p, _ in stops]
    out = np.empty((len(positions), 3), dtype=np.float32)
    for ch in range(3):
        out[:, ch] = np.interp(positions, xs, [c[ch] for _, c in stops])
    return out


def to_image(pixels: Array) -> Image.Image:
    """An (h, w, 3) or (h, w) float array in 0..255 as a PIL image."""
    arr = np.clip(pixels + 0.5, 0, 255).astype(np.uint8)
    return Image.fromarray(arr, "RGB" if arr.ndim == 3 else "L")


def stripe_image(colors: Array, size: tuple[int, int], vertical: bool) -> Image.Image:
    """An image whose rows (vertical=True) or columns repeat the given colours."""
    width, height = size
    bytes_ = np.clip(colors + 0.5, 0, 255).astype(np.uint8)  # convert before broadcasting
    arr = bytes_[:, None, :] if vertical else bytes_[None, :, :]
    return Image.fromarray(np.ascontiguousarray(np.broadcast_to(arr, (height, width, 3))), "RGB")


def noise1d(rng: np.random.Generator, n: int, cells: float, octaves: int = 3) -> Array:
    """Smooth 1-D value noise of length n in about -1..1; `cells` features across n."""
    x = np.linspace(0.0, 1.0, n, dtype=np.float32)
    out = np.zeros(n, dtype=np.float32)
    amp, total = 1.0, 0.0
    for octave in range(octaves):
        k = max(2, math.ceil(cells * 2**octave)) + 1
        knots = rng.uniform(-1.0, 1.0, k).astype(np.float32)
        t = x * (k - 1)
        i = np.minimum(t.astype(np.int32), k - 2)
        f = t - i
        f = f * f * (3 - 2 * f)  # smoothstep: no kinks at the knots
        out += amp * (knots[i] * (1 - f) + knots[i + 1] * f)
        total += amp
        amp *= 0.5
    return out / total


def noise2d(
    rng: np.random.Generator, size: tuple[int, int], cells: tuple[float, float], octaves: int = 4
) -> Array:
    """Smooth 2-D value noise (h, w) in about -1..1, upsampled from random grids by PIL."""
    width, height = size
    out = np.zeros((height, width), dtype=np.float32)
    amp, total = 1.0, 0.0
    for octave in range(octaves):
        gw = max(2, math.ceil(cells[0] * 2**octave))
        gh = max(2, math.ceil(cells[1] * 2**octave))
        grid = rng.uniform(-1.0, 1.0, (gh, gw)).astype(np.float32)
        layer = Image.fromarray(grid, "F").resize(size, Image.Resampling.BICUBIC)
        out += amp * np.asarray(layer, dtype=np.float32)
        total += amp
        amp *= 0.5
    return out / total


def coverage(curve: Array, top: int, bottom: int) -> Array:
    """Per-pixel fraction (rows top..bottom) lying below a curve of one y per column."""
    rows = np.arange(top, bottom, dtype=np.float32)[:, None]
    cov: Array = np.clip(rows + 1.0 - curve[None, :], 0.0, 1.0)
    return cov


def _runs(active: npt.NDArray[np.bool_], gap: int = 48) -> list[tuple[int, int]]:
    """Column ranges [start, stop) where `active` holds, merging gaps narrower than `gap`."""
    cols = np.flatnonzero(active)
    if cols.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(cols) > gap)
    starts = np.concatenate(([cols[0]], cols[breaks + 1]))
    stops = np.concatenate((cols[breaks], [cols[-1]])) + 1
    return [(int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


def paint_band(img: Image.Image, upper: Array, fill: Fill, lower: Array | None = None) -> None:
    """Fill the region below `upper` (and above `lower`, if given), anti-aliased.

    An image fill may be shorter than the canvas: it is then anchored to the bottom.
    Only column runs that contain something are touched, which keeps small shapes cheap.
    """
    height = img.height
    bottom_curve = lower if lower is not None else np.full_like(upper, float(height))
    active = (upper < height) & (bottom_curve > upper) & (bottom_curve > 0)
    for x0, x1 in _runs(active):
        up = upper[x0:x1]
        top = max(0, math.floor(float(up.min())))
        if lower is None:
            edge = min(height, math.ceil(float(up.max())) + 1)
            cov = coverage(up, top, edge)
        else:
            edge = min(height, math.ceil(float(lower[x0:x1].max())) + 1)
            cov = np.clip(coverage(up, top, edge) - coverage(lower[x0:x1], top, edge), 0.0, 1.0)
        if edge > top:
            mask = Image.fromarray((cov * 255.0 + 0.5).astype(np.uint8), "L")
            _paste(img, fill, (x0, top, x1, edge), mask)
        if lower is None and edge < height:
            # Fully covered rows need no mask: a plain fill is much cheaper.
            _paste(img, fill, (x0, edge, x1, height), None)


def _paste(
    img: Image.Image, fill: Fill, box: tuple[int, int, int, int], mask: Image.Image | None
) -> None:
    if isinstance(fill, Patch):
        img.paste(
            fill.image.crop((box[0], box[1] - fill.top, box[2], box[3] - fill.top)), box, mask
        )
    elif isinstance(fill, Image.Image):
        offset = img.height - fill.height
        src = (box[0], max(0, box[1] - offset), box[2], box[3] - offset)
        patch = fill.crop(src)
        if box[1] - offset < 0:  # a fill that starts lower than the box: pad by stretching
            patch = patch.resize((box[2] - box[0], box[3] - box[1]), Image.Resampling.NEAREST)
        img.paste(patch, box, mask)
    elif mask is None:
        img.paste(rgb(fill), box)
    else:
        paste_color(img, fill, (box[0], box[1]), mask)


def paste_color(img: Image.Image, color: Color, at: tuple[int, int], mask: Image.Image) -> None:
    """Blend a flat colour into the image through a mask whose top-left corner is `at`."""
    # Pasting a solid image through a mask is much faster in PIL than pasting a colour.
    img.paste(Image.new("RGB", mask.size, rgb(color)), at, mask)


def draw_shape(
    img: Image.Image,
    box: tuple[int, int, int, int],
    color: Color,
    draw: Callable[[ImageDraw.ImageDraw, Callable[[float, float], tuple[float, float]]], None],
) -> None:
    """Draw polygons inside a small box, supersampled for smooth edges.

    `draw` receives an ImageDraw for a mask and a function mapping canvas (x, y) to
    mask coordinates; it should fill shapes with 255.
    """
    x0, y0 = max(0, box[0]), max(0, box[1])
    x1, y1 = min(img.width, box[2]), min(img.height, box[3])
    if x1 <= x0 or y1 <= y0:
        return
    mask = Image.new("L", ((x1 - x0) * SUPERSAMPLE, (y1 - y0) * SUPERSAMPLE), 0)

    def to_mask(x: float, y: float) -> tuple[float, float]:
        return ((x - x0) * SUPERSAMPLE, (y - y0) * SUPERSAMPLE)

    draw(ImageDraw.Draw(mask), to_mask)
    small = mask.reduce(SUPERSAMPLE)
    paste_color(img, color, (x0, y0), small)


def glow(
    img: Image.Image, centers: Sequence[tuple[float, float, float, float]], color: Color
) -> None:
    """Soft round glows of light; centers are (x, y, radius, strength 0..1).

    Only the box the glows reach is computed, at a quarter of the resolution.
    """
    width, height = img.size
    reach = 2.2  # exp(-2.2**2) < 1%: beyond this the glow is invisible
    x0 = max(0, int(min(x - r * reach for x, _, r, _ in centers)))
    y0 = max(0, int(min(y - r * reach for _, y, r, _ in centers)))
    x1 = min(width, int(max(x + r * reach for x, _, r, _ in centers)) + 1)
    y1 = min(height, int(max(y + r * reach for _, y, r, _ in centers)) + 1)
    if x1 <= x0 or y1 <= y0:
        return
    lw, lh = max(2, (x1 - x0) // 4), max(2, (y1 - y0) // 4)
    ys = y0 + (np.arange(lh, dtype=np.float32)[:, None] + 0.5) * ((y1 - y0) / lh)
    xs = x0 + (np.arange(lw, dtype=np.float32)[None, :] + 0.5) * ((x1 - x0) / lw)
    acc = np.zeros((lh, lw), dtype=np.float32)
    for cx, cy, radius, strength in centers:
        acc += strength * np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / max(radius, 1.0) ** 2)
    mask = to_image(np.clip(acc, 0.0, 1.0) * 255.0).resize(
        (x1 - x0, y1 - y0), Image.Resampling.BILINEAR
    )
    paste_color(img, color, (x0, y0), mask)
