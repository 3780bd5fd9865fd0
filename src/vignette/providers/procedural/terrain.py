"""Natural silhouettes as height fields (one y per column): hills, mountains, dunes, trees."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from vignette.providers.procedural.canvas import (
    Array,
    Color,
    Patch,
    gradient,
    mix,
    noise1d,
    paint_band,
    scale,
    stripe_image,
    to_image,
)


def hills(rng: np.random.Generator, width: int, base: float, amp: float, cells: float) -> Array:
    """A rolling ridge around `base`, rising up to `amp` pixels above it."""
    return (base - amp * (0.5 + 0.5 * noise1d(rng, width, cells, octaves=3))).astype(np.float32)


def mountains(
    rng: np.random.Generator, width: int, base: float, height: float, peaks: int
) -> tuple[Array, Array, Array]:
    """A jagged range: (ridge, elevation above base, lit-side flag per column)."""
    x = np.arange(width, dtype=np.float32)
    centers = np.sort(rng.uniform(-0.1 * width, 1.1 * width, peaks)).astype(np.float32)
    heights = (height * rng.uniform(0.45, 1.0, peaks)).astype(np.float32)
    spread = heights * rng.uniform(1.0, 1.8, peaks).astype(np.float32)
    profiles = heights[:, None] * (1.0 - np.abs(x[None, :] - centers[:, None]) / spread[:, None])
    owner = np.argmax(profiles, axis=0)
    elevation = np.maximum(profiles.max(axis=0), 0.0)
    elevation += height * 0.07 * noise1d(rng, width, width / 60.0, octaves=3)
    elevation += height * 0.1 * (0.5 + 0.5 * noise1d(rng, width, 3.0, octaves=2))
    lit = x < centers[owner]  # light comes from the left: left faces of every peak are lit
    return (base - elevation).astype(np.float32), elevation.astype(np.float32), lit


def dunes(
    rng: np.random.Generator, width: int, base: float, amp: float, cells: float
) -> tuple[Array, Array]:
    """Sharp-crested sand dunes: (ridge, lit-side flag per column)."""
    n = noise1d(rng, width, cells, octaves=2)
    elevation = amp * (1.0 - np.abs(n)) ** 2
    slope = np.gradient(elevation)
    # Soft shading by slope; the sharp crest flips it from lit to shadow at once.
    lit = 0.5 + 0.5 * np.tanh(2.0 * slope / (float(np.abs(slope).mean()) + 1e-6))
    return (base - elevation).astype(np.float32), lit.astype(np.float32)


def trees(
    rng: np.random.Generator,
    base: Array,
    height: float,
    spacing: float,
    conifer: bool,
    keep: tuple[float, float] | None = None,
) -> Array:
    """A tree line standing on `base`; trees within `keep` (x range) are left out."""
    width = base.shape[0]
    ridge = base.copy()
    if not conifer:
        # Broadleaf crowns merge into one canopy; without it the gaps reach the ground.
        canopy = base - height * (0.45 + 0.12 * noise1d(rng, width, width / (spacing * 3.0)))
        if keep is not None:
            cols = np.arange(width)
            canopy = np.where((cols > keep[0]) & (cols < keep[1]), base, canopy)
        ridge = np.minimum(ridge, canopy).astype(np.float32)
    x = float(rng.uniform(-spacing, 0.0))
    while x < width + spacing:
        h = height * float(rng.uniform(0.6, 1.15))
        x += spacing * float(rng.uniform(0.5, 1.3))
        if keep is not None and keep[0] < x < keep[1]:
            continue
        half = h * (float(rng.uniform(0.2, 0.28)) if conifer else float(rng.uniform(0.3, 0.42)))
        lo, hi = max(0, int(x - half)), min(width, int(x + half) + 2)
        if hi <= lo:
            continue
        offset = np.arange(lo, hi, dtype=np.float32) - x
        if conifer:
            # Tiers of branches: the outline drops in steps instead of a straight slope.
            dx = np.abs(offset)
            step = half / min(10.0, 3.0 + 10.0 * h / width)  # big trees show more tiers
            profile = h * (1.0 - dx / half) - 0.12 * h * ((dx % step) / step)
        else:
            # A main crown with two lower side lobes reads as foliage, not a dome.
            profile = np.zeros_like(offset)
            r = half * 0.62
            sides = rng.uniform(1.2, 1.9, 2)
            lobes = (
                (0.0, h - r, r),
                (-0.55 * half, h - sides[0] * r, r * 0.75),
                (0.55 * half, h - sides[1] * r, r * 0.8),
            )
            for cx, cy, cr in lobes:
                lobe = cy + cr * np.sqrt(np.clip(1.0 - ((offset - cx) / cr) ** 2, 0.0, 1.0))
                profile = np.maximum(profile, np.where(np.abs(offset - cx) < cr, lobe, 0.0))
        ridge[lo:hi] = np.minimum(ridge[lo:hi], base[lo:hi] - np.maximum(profile, 0.0))
    return ridge


def faded_fill(
    height: int,
    ridge: Array,
    lit: Array,
    light: Color,
    shadow: Color,
    base: Color,
    fade: float,
    shear: float = 0.4,
    bottom: int | None = None,
) -> Patch:
    """Lit and shadowed faces under the ridge that blend into `base` within `fade` pixels.

    The light/shadow boundary under each crest runs diagonally (by `shear` pixels per
    pixel of depth), as a slope's edge does. Shading has no fine detail, so it is computed
    at a third of the resolution. The patch spans from the ridge top to `bottom`, by
    default the first row that is `base` colour all across.
    """
    width = ridge.shape[0]
    top = max(0, min(height - 1, int(ridge.min())))
    if bottom is None:
        bottom = math.ceil(float(ridge.max()) + fade) + 1
    bottom = max(top + 1, min(height, bottom))
    lw, lh = max(1, width // 3), max(1, (bottom - top) // 3)
    xs = (np.arange(lw, dtype=np.float32) + 0.5) * (width / lw)
    ys = top + (np.arange(lh, dtype=np.float32) + 0.5) * ((bottom - top) / lh)
    depth = np.maximum(ys[:, None] - ridge[xs.astype(int)][None, :], 0.0)
    source = np.clip(xs[None, :] - shear * depth, 0, width - 1).astype(int)
    tone = lit[source]
    blend = (np.clip(depth / max(fade, 1.0), 0.0, 1.0) ** 0.7)[:, :, None]
    dark = np.asarray(shadow, dtype=np.float32)
    colors = dark + (np.asarray(light, dtype=np.float32) - dark) * tone[:, :, None]
    colors += (np.asarray(base, dtype=np.float32) - colors) * blend
    image = to_image(colors).resize((width, bottom - top), Image.Resampling.BILINEAR)
    return Patch(image, top)


def paint_faded(img: Image.Image, ridge: Array, patch: Patch, base: Color) -> None:
    """Paint below a ridge: the shaded patch, then flat `base` colour under it."""
    split = patch.top + patch.image.height  # an integer row, so the two parts meet cleanly
    edge = np.full_like(ridge, float(split))
    paint_band(img, ridge, patch, edge)
    if split < img.height:
        paint_band(img, edge, base)


def ground_fill(width: int, height: int, top: float, near: Color, far: Color) -> Image.Image:
    """Rows top..height of a fill that goes from `far` at row `top` to `near` at the bottom."""
    first = max(0, min(height - 1, int(top)))
    rows = np.arange(first, height, dtype=np.float32)
    colors = gradient([(top, far), (float(height), near)], rows)
    return stripe_image(colors, (width, height - first), vertical=True)


def paint_mountains(
    img: Image.Image,
    rng: np.random.Generator,
    base: float,
    height: float,
    color: Color,
    snow: Color | None,
    snow_level: float,
    haze: Color,
) -> Array:
    """Paint a mountain range with lit and shadowed faces and optional snow caps."""
    width = img.width
    ridge, elevation, lit = mountains(rng, width, base, height, peaks=int(rng.integers(4, 8)))
    shadow = mix(scale(color, 0.72), color, 0.2)
    base_color = mix(mix(color, shadow, 0.5), haze, 0.15)
    lit_f = lit.astype(np.float32)
    shear = float(rng.uniform(0.25, 0.5))
    fill = faded_fill(img.height, ridge, lit_f, color, shadow, base_color, height * 0.6, shear)
    paint_faded(img, ridge, fill, base_color)
    if snow is not None:
        depth = np.clip(elevation - snow_level * height, 0.0, None) * 0.8
        depth *= 1.0 + 0.5 * noise1d(rng, width, width / 25.0, octaves=2)
        lower = ridge + np.clip(depth, 0.0, None)
        snow_shadow = mix(snow, color, 0.35)
        # Same faces as the rock below, so lit snow meets lit rock.
        snow_bottom = math.ceil(float(lower.max())) + 1
        snow_fill = faded_fill(
            img.height, ridge, lit_f, snow, snow_shadow, snow, 1e9, shear, snow_bottom
        )
        paint_band(img, ridge, snow_fill, lower)
    return ridge
