"""Description extraction: pure text analysis (leaf: no FastAPI, Celery or database)."""
