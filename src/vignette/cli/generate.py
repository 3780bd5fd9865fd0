"""`vignette generate`: render one image locally, without the service, to try a provider."""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Annotated

import typer

from vignette.descriptions.types import DESCRIPTION_TYPES
from vignette.generation.service import SIZES
from vignette.prompts.builder import build_prompt
from vignette.providers.base import ImageRequest, ProviderError
from vignette.providers.registry import create_provider
from vignette.providers.validation import validate_image
from vignette.settings import get_settings


def generate(
    text: Annotated[str, typer.Argument(help="The passage to illustrate.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the image.")],
    type_: Annotated[str, typer.Option("--type", help="Description type.")] = "location",
    provider: Annotated[str, typer.Option(help="Provider name.")] = "procedural",
    genre: Annotated[str, typer.Option(help="Book genre, e.g. fantasy.")] = "",
    style: Annotated[str, typer.Option(help="Extra style words.")] = "",
    aspect_ratio: Annotated[str, typer.Option(help="e.g. 4:3, 16:9, 1:1.")] = "4:3",
    seed: Annotated[int | None, typer.Option(help="Seed (random when omitted).")] = None,
) -> None:
    """Render one image for a passage and write it to a file (format from the extension)."""
    if type_ not in DESCRIPTION_TYPES:
        raise typer.BadParameter(f"--type must be one of {', '.join(DESCRIPTION_TYPES)}")
    if aspect_ratio not in SIZES:
        raise typer.BadParameter(f"--aspect-ratio must be one of {', '.join(SIZES)}")
    suffix = output.suffix.lower().lstrip(".")
    image_format = {"webp": "webp", "png": "png"}.get(suffix)
    if image_format is None:
        raise typer.BadParameter("the output file must end in .webp or .png")
    try:
        chosen = create_provider(provider, get_settings())
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    width, height = SIZES[aspect_ratio]
    request = ImageRequest(
        prompt=build_prompt(text, type_, genre, style or None),
        width=width,
        height=height,
        seed=seed if seed is not None else secrets.randbelow(2**31),
        image_format=image_format,
    )
    started = time.perf_counter()
    try:
        result = validate_image(chosen.generate(request))
    except ProviderError as exc:
        typer.echo(f"error: {exc.code.value}: {exc.message}", err=True)
        raise typer.Exit(1) from None
    elapsed = (time.perf_counter() - started) * 1000
    output.write_bytes(result.data)
    typer.echo(
        f"{output}: {result.width}x{result.height} {result.mime_type}, "
        f"{len(result.data)} bytes, {chosen.name}/{result.model}, seed {request.seed}, "
        f"{elapsed:.0f} ms"
    )
