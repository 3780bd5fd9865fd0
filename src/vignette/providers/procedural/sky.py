"""The sky: gradient, glow, sun or moon, stars and clouds."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from vignette.providers.procedural.canvas import (
    Array,
    Color,
    gradient,
    mix,
    noise2d,
    paste_color,
    rgb,
    scale,
    to_image,
)
from vignette.providers.procedural.palette import Palette

# Smooth layers are computed at 1/WORK resolution and upscaled: they have no fine detail.
WORK = 4
SKY_MARGIN = 0.1  # fraction of the height painted as sky below the horizon


def _work_size(size: tuple[int, int]) -> tuple[int, int]:
    return max(8, size[0] // WORK), max(8, size[1] // WORK)


def _grid(size: tuple[int, int]) -> tuple[Array, Array]:
    """Full-resolution x and y coordinates of the work-resolution pixel centres."""
    (width, height), (lw, lh) = size, _work_size(size)
    xs = (np.arange(lw, dtype=np.float32)[None, :] + 0.5) * (width / lw)
    ys = (np.arange(lh, dtype=np.float32)[:, None] + 0.5) * (height / lh)
    return xs, ys


def paint_sky(
    img: Image.Image,
    pal: Palette,
    rng: np.random.Generator,
    horizon: float,
    body: tuple[float, float],
    night: bool,
) -> None:
    """Paint the sky down to just below the horizon; `body` is where the sun or moon sits.

    Every composition covers the picture from the horizon down, so rows further than
    SKY_MARGIN below it are only given the horizon colour.
    """
    width, height = img.size
    bottom = min(height, max(8, int(horizon + SKY_MARGIN * height)))
    size = (width, bottom)
    xs, ys = _grid(size)
    stops = [(0.0, pal.sky_top), (0.55 * horizon, pal.sky_mid), (horizon, pal.sky_horizon)]
    stops.append((max(horizon, float(height)) + 1.0, pal.sky_horizon))
    column = gradient(stops, ys[:, 0])
    sky = np.broadcast_to(column[:, None, :], (ys.shape[0], xs.shape[1], 3)).copy()
    bx, by = body
    radius = pal.glow_radius * height
    glow = pal.glow_strength * np.exp(-((xs - bx) ** 2 + (ys - by) ** 2) / radius**2)
    if not night:
        # Low suns spread their light along the horizon, not just around the disk.
        band = np.exp(-(((ys - horizon) / (0.3 * height)) ** 2) - ((xs - bx) / width) ** 2)
        glow = glow + 0.5 * pal.glow_strength * band
    glow = np.clip(glow, 0.0, 1.0)[:, :, None]
    sky += (np.asarray(pal.glow, dtype=np.float32) - sky) * glow
    cover = _clouds(sky, pal, rng, ys, horizon)
    img.paste(to_image(sky).resize(size, Image.Resampling.BILINEAR))
    if bottom < height:
        img.paste(rgb(pal.sky_horizon), (0, bottom, width, height))
    if night and pal.cloud_cover < 0.7:
        _stars(img, pal, rng, horizon, cover, bottom)
    if pal.celestial == "moon":
        _moon(img, pal, rng, body, cover, bottom)
    elif pal.celestial == "sun":
        _sun(img, body, max(3.0, 0.04 * height), pal.disk, cover, bottom)


def _clouds(sky: Array, pal: Palette, rng: np.random.Generator, ys: Array, horizon: float) -> Array:
    """Blend clouds into the work-resolution sky in place; returns their opacity."""
    lh, lw = sky.shape[:2]
    noise = noise2d(rng, (lw, lh), (2.2, 2.2 * pal.cloud_stretch * lh / lw), octaves=4)
    threshold = 0.42 - 0.8 * pal.cloud_cover
    alpha = np.clip((noise - threshold + 0.04) / 0.16, 0.0, 1.0)
    alpha = alpha * alpha * (3 - 2 * alpha)
    # Clouds thin out towards the horizon, where they would be small and hazy.
    alpha *= np.clip((horizon - ys) / (0.25 * horizon + 1.0), 0.25, 1.0)
    density = np.clip((noise - threshold) * 2.5, 0.0, 1.0)[:, :, None]
    shift = max(1, lh // 40)
    below = np.concatenate([noise[shift:], np.repeat(noise[-1:], shift, axis=0)])
    # Tops that stick out above the cloud below catch the light.
    rim = np.clip((noise - below) * 6.0, 0.0, 1.0)[:, :, None]
    light = np.asarray(pal.cloud_light, dtype=np.float32)
    dark = np.asarray(pal.cloud_dark, dtype=np.float32)
    color = light + (dark - light) * density
    color += (np.asarray(scale(pal.cloud_light, 1.12), dtype=np.float32) - color) * rim * 0.6
    cover: Array = (alpha * 0.92).astype(np.float32)
    sky += (color - sky) * cover[:, :, None]
    return cover


def _occlusion(cover: Array, size: tuple[int, int], box: tuple[int, int, int, int]) -> Array:
    """Cloud opacity over a full-resolution box, upsampled from the work resolution.

    `size` is the full-resolution size the `cover` array stands for.
    """
    lh, lw = cover.shape
    width, height = size
    fx, fy = lw / width, lh / height
    src = (
        min(max(box[0] * fx, 0.0), lw - 1.0),
        min(max(box[1] * fy, 0.0), lh - 1.0),
        min(max(box[2] * fx, 1.0), float(lw)),
        min(max(box[3] * fy, 1.0), float(lh)),
    )
    patch = Image.fromarray(cover, "F").resize(
        (box[2] - box[0], box[3] - box[1]), Image.Resampling.BILINEAR, box=src
    )
    return np.asarray(patch, dtype=np.float32)


def _stars(
    img: Image.Image,
    pal: Palette,
    rng: np.random.Generator,
    horizon: float,
    cover: Array,
    bottom: int,
) -> None:
    width, height = img.size
    count = int(width * height / 2200)
    xs = rng.uniform(0, width, count)
    ys = horizon * rng.uniform(0, 1, count) ** 1.6  # denser high up, where the sky is darkest
    bright = rng.uniform(0, 1, count) ** 3
    lh, lw = cover.shape
    rows = np.minimum((ys * lh / bottom).astype(int), lh - 1)
    clear = 1.0 - cover[rows, np.minimum((xs * lw / width).astype(int), lw - 1)]
    fade = np.clip((horizon - ys) / (0.3 * horizon + 1), 0.0, 1.0) * clear  # dim near the horizon
    draw = ImageDraw.Draw(img)
    big = max(1.0, width / 900)
    for x, y, b, f in zip(xs, ys, bright, fade, strict=True):
        if f < 0.15:
            continue
        level = 90 + 165 * b * f
        color = rgb(mix(pal.sky_top, (level, level, level * 1.04), 0.9 * f))
        if b > 0.6:
            r = big * (1.0 + b)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=color)
        else:
            draw.point((x, y), fill=color)


def _disk_alpha(size: int, cx: float, cy: float, r: float) -> Array:
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    d = np.sqrt((xx + 0.5 - cx) ** 2 + (yy + 0.5 - cy) ** 2)
    alpha: Array = np.clip(r - d + 0.5, 0.0, 1.0)
    return alpha


def _sun(
    img: Image.Image,
    center: tuple[float, float],
    r: float,
    color: Color,
    cover: Array,
    bottom: int,
) -> None:
    size = math.ceil(2 * r + 4)
    x0, y0 = round(center[0] - size / 2), round(center[1] - size / 2)
    box = (x0, y0, x0 + size, y0 + size)
    a = _disk_alpha(size, center[0] - x0, center[1] - y0, r)
    a *= 1.0 - 0.85 * _occlusion(cover, (img.width, bottom), box)
    paste_color(img, color, (x0, y0), to_image(a * 255))


def _moon(
    img: Image.Image,
    pal: Palette,
    rng: np.random.Generator,
    center: tuple[float, float],
    cover: Array,
    bottom: int,
) -> None:
    r = max(3.0, 0.045 * img.height)
    size = math.ceil(2 * r + 4)
    x0, y0 = round(center[0] - size / 2), round(center[1] - size / 2)
    cx, cy = center[0] - x0, center[1] - y0
    alpha = _disk_alpha(size, cx, cy, r)
    if rng.uniform() < 0.4:
        # A crescent: the full disk minus a shifted one.
        shift = r * rng.uniform(0.45, 0.8) * (1 if rng.uniform() < 0.5 else -1)
        alpha = alpha * (1.0 - _disk_alpha(size, cx + shift, cy - 0.2 * r, r))
    alpha *= 1.0 - 0.8 * _occlusion(cover, (img.width, bottom), (x0, y0, x0 + size, y0 + size))
    maria = noise2d(rng, (size, size), (2.0, 2.0), octaves=2)
    shade = 1.0 - 0.1 * np.clip(maria * 2.0, 0.0, 1.0)
    disk = np.asarray(pal.disk, dtype=np.float32)[None, None, :] * shade[:, :, None]
    img.paste(to_image(disk), (x0, y0), to_image(alpha * 255))
