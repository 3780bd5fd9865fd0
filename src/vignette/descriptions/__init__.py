"""Description extraction: pure text analysis, no FastAPI, Celery or database."""

from __future__ import annotations

from vignette.descriptions.extraction import Found, extract_descriptions

__all__ = ["Found", "extract_descriptions"]
