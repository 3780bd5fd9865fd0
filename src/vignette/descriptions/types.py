"""The kinds of passage worth a picture, defined once for the API, the database and extraction."""

from __future__ import annotations

from typing import Literal, get_args

DescriptionType = Literal["location", "character", "atmosphere", "object", "action"]
DESCRIPTION_TYPES: tuple[str, ...] = get_args(DescriptionType)
# Descriptions given by hand are taken at face value; their order follows this ranking.
TYPE_PRIORITY: dict[str, float] = {
    t: float(len(DESCRIPTION_TYPES) - i) for i, t in enumerate(DESCRIPTION_TYPES)
}
