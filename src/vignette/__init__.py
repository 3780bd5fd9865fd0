"""Vignette: illustrations for books, generated as queued jobs."""

__version__ = "0.1.0"
