"""Prompt building and passage translation (leaf: no FastAPI, Celery or database)."""
