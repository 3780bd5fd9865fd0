"""How every Vignette process logs: one handler on the root logger, to stderr, as text lines for
a person or (`VIGNETTE_LOG_FORMAT=json`) one JSON object a line (python-json-logger), with the
fields a line about a job or an import carries (`job_id`, `book_id`, `user_id`, `provider`).

The API, the worker and beat all call `configure`: uvicorn runs without its own logging config
and Celery's `setup_logging` signal is taken, so the three speak one format.
"""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

TEXT = "%(asctime)s %(levelname)s %(name)s %(process)d: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"
QUIET = ("httpx", "httpcore", "google_genai")


def configure(level: str, fmt: str) -> None:
    """Replace the root logger's handlers with one for stderr in `fmt` ("text" or "json")."""
    handler = logging.StreamHandler(sys.stderr)
    formatter: logging.Formatter
    if fmt == "json":
        formatter = JsonFormatter(
            JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level"}
        )
    else:
        formatter = logging.Formatter(TEXT)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    # The HTTP clients log every request's URL, and Pollinations' URL is the prompt: never.
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
