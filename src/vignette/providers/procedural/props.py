"""Small props drawn as supersampled shapes: trees, smoke, ships, a lighthouse."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from vignette.providers.procedural.canvas import Color, draw_shape, mix, paste_color, rgb, scale
from vignette.providers.procedural.palette import Palette

Point = tuple[float, float]
Shape = Callable[[ImageDraw.ImageDraw, Callable[[float, float], Point]], None]


def lollipop_tree(
    img: Image.Image, x: float, base: float, h: float, crown: Color, trunk: Color
) -> None:
    """A free-standing broadleaf tree: trunk and a lumpy crown, shaded on its lower side."""
    r = h * 0.3
    box = (int(x - r * 1.3) - 2, int(base - h) - 2, int(x + r * 1.3) + 3, int(base) + 2)

    def trunk_shape(d: ImageDraw.ImageDraw, m: Callable[[float, float], Point]) -> None:
        d.polygon(
            [
                m(x - h * 0.045, base),
                m(x - h * 0.025, base - h * 0.6),
                m(x + h * 0.025, base - h * 0.6),
                m(x + h * 0.045, base),
            ],
            fill=255,
        )

    def lobes(
        dx: float, dy: float, k: float
    ) -> Callable[[ImageDraw.ImageDraw, Callable[[float, float], Point]], None]:
        def shape(d: ImageDraw.ImageDraw, m: Callable[[float, float], Point]) -> None:
            for ox, oy, rr in (
                (0.0, 0.0, 1.0),
                (-0.55, 0.45, 0.68),
                (0.55, 0.4, 0.72),
                (0.0, 0.7, 0.7),
            ):
                cx, cy, rad = x + dx + ox * r, base - h + r + dy + oy * r, rr * r * k
                d.ellipse((*m(cx - rad, cy - rad), *m(cx + rad, cy + rad)), fill=255)

        return shape

    draw_shape(img, box, trunk, trunk_shape)
    draw_shape(img, box, scale(crown, 0.72), lobes(0.0, 0.0, 1.0))
    draw_shape(img, box, crown, lobes(-0.07 * r, -0.08 * r, 0.9))


def ship(img: Image.Image, x: float, waterline: float, s: float, hull: Color, sail: Color) -> None:
    """A two-masted sailing ship seen side-on."""
    box = (
        int(x - s) - 2,
        int(waterline - s * 1.3) - 2,
        int(x + s) + 3,
        int(waterline + s * 0.1) + 2,
    )

    def hull_shape(d: ImageDraw.ImageDraw, m: Callable[[float, float], Point]) -> None:
        d.polygon(
            [
                m(x - s, waterline - s * 0.25),
                m(x + s, waterline - s * 0.3),
                m(x + s * 0.7, waterline + s * 0.05),
                m(x - s * 0.75, waterline + s * 0.05),
            ],
            fill=255,
        )
        for mx in (x - s * 0.35, x + s * 0.3):
            d.rectangle(
                (*m(mx - s * 0.02, waterline - s * 1.3), *m(mx + s * 0.02, waterline)), fill=255
            )

    def sail_shape(d: ImageDraw.ImageDraw, m: Callable[[float, float], Point]) -> None:
        for mx, k in ((x - s * 0.35, 0.85), (x + s * 0.3, 1.0)):
            top, bottom = waterline - s * 1.22 * k, waterline - s * 0.38
            d.polygon(
                [
                    m(mx - s * 0.32 * k, top + s * 0.05),
                    m(mx + s * 0.32 * k, top),
                    m(mx + s * 0.38 * k, bottom),
                    m(mx - s * 0.3 * k, bottom + s * 0.04),
                ],
                fill=255,
            )
        d.polygon(
            [
                m(x + s * 0.32, waterline - s * 1.1),
                m(x + s * 1.1, waterline - s * 0.32),
                m(x + s * 0.34, waterline - s * 0.36),
            ],
            fill=255,
        )

    draw_shape(img, box, hull, hull_shape)
    draw_shape(img, box, sail, sail_shape)


def lighthouse(
    img: Image.Image, pal: Palette, x: float, base: float, s: float, body: Color
) -> None:
    """A tapering lighthouse with a lamp that shines when it is dark."""
    box = (int(x - s * 0.3) - 2, int(base - s * 1.25) - 2, int(x + s * 0.3) + 3, int(base) + 2)

    def tower(d: ImageDraw.ImageDraw, m: Callable[[float, float], Point]) -> None:
        d.polygon(
            [
                m(x - s * 0.16, base),
                m(x - s * 0.09, base - s),
                m(x + s * 0.09, base - s),
                m(x + s * 0.16, base),
            ],
            fill=255,
        )
        d.polygon(
            [
                m(x - s * 0.12, base - s * 1.12),
                m(x, base - s * 1.25),
                m(x + s * 0.12, base - s * 1.12),
            ],
            fill=255,
        )

    draw_shape(img, box, body, tower)
    lamp = pal.window if pal.window_prob > 0 else mix(body, (255, 255, 255), 0.4)
    ImageDraw.Draw(img).rectangle(
        (x - s * 0.08, base - s * 1.12, x + s * 0.08, base - s), fill=rgb(lamp)
    )


def bare_tree(
    img: Image.Image, rng: np.random.Generator, x: float, base: float, h: float, color: Color
) -> None:
    """A leafless winter tree: a trunk that forks into ever thinner branches."""
    segments: list[tuple[float, float, float, float, float]] = []

    def grow(x0: float, y0: float, angle: float, length: float, width: float, depth: int) -> None:
        x1, y1 = x0 + math.sin(angle) * length, y0 - math.cos(angle) * length
        segments.append((x0, y0, x1, y1, width))
        if depth == 0:
            return
        for side in (-1.0, 1.0):
            turn = side * float(rng.uniform(0.25, 0.6))
            grow(
                x1,
                y1,
                angle + turn,
                length * float(rng.uniform(0.62, 0.8)),
                width * 0.65,
                depth - 1,
            )

    grow(x, base, float(rng.uniform(-0.06, 0.06)), h * 0.34, max(1.0, h * 0.045), 5)
    xs = [v for seg in segments for v in (seg[0], seg[2])]
    ys = [v for seg in segments for v in (seg[1], seg[3])]
    box = (int(min(xs)) - 3, int(min(ys)) - 3, int(max(xs)) + 4, int(max(ys)) + 3)

    def branches(d: ImageDraw.ImageDraw, m: Callable[[float, float], Point]) -> None:
        for x0, y0, x1, y1, width in segments:
            d.line((*m(x0, y0), *m(x1, y1)), fill=255, width=max(1, round(width * 4)))

    draw_shape(img, box, color, branches)


def smoke(
    img: Image.Image, rng: np.random.Generator, pal: Palette, x: float, y: float, s: float
) -> None:
    """A soft plume rising from a chimney and drifting with the wind."""
    drift = s * float(rng.uniform(0.3, 0.9)) * (1 if rng.uniform() < 0.5 else -1)
    puffs = [
        (x + drift * (k / 6) ** 1.5, y - s * 0.26 * k, s * (0.07 + 0.045 * k), 175 - 24 * k)
        for k in range(7)
    ]
    pad = s * 0.5
    x0 = int(min(p[0] for p in puffs) - pad)
    y0 = int(min(p[1] for p in puffs) - pad)
    x1 = int(max(p[0] for p in puffs) + pad)
    y1 = int(y + pad)
    mask = Image.new("L", (max(1, x1 - x0), max(1, y1 - y0)), 0)
    draw = ImageDraw.Draw(mask)
    for px, py, r, level in reversed(puffs):  # denser puffs near the chimney drawn last
        draw.ellipse((px - r - x0, py - r - y0, px + r - x0, py + r - y0), fill=level)
    mask = mask.filter(ImageFilter.GaussianBlur(max(1.0, s * 0.08)))
    color = mix(pal.lit((215, 215, 220)), pal.sky_horizon, 0.35)
    paste_color(img, color, (x0, y0), mask)
