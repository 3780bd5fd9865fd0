"""The floor of this stack: bare FastAPI that checks a key, inserts one SQLite row, sends one
Celery message to Redis. `bench/submit.py` runs it beside Vignette and compares."""

from __future__ import annotations

import argparse
import hmac
import os
import uuid
from pathlib import Path
from typing import Annotated

import uvicorn
from celery import Celery
from fastapi import FastAPI, Header, HTTPException
from sqlalchemy import create_engine, event, text


def build(db_path: str, broker: str, key: str) -> FastAPI:
    """The floor app."""
    engine = create_engine(f"sqlite:///{db_path}", connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(conn, _):  # type: ignore[no-untyped-def]
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")

    with engine.begin() as c:
        c.execute(text("CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, d TEXT)"))
    celery = Celery("floor", broker=broker)
    app = FastAPI()

    @app.post("/submit/{description_id}", status_code=202)
    def submit(description_id: str, authorization: Annotated[str, Header()] = "") -> dict[str, str]:
        if not hmac.compare_digest(authorization, f"Bearer {key}"):
            raise HTTPException(401)
        job_id = str(uuid.uuid4())
        with engine.begin() as c:
            c.execute(text("INSERT INTO jobs VALUES (:i, :d)"), {"i": job_id, "d": description_id})
        celery.send_task("floor.noop", args=[job_id], queue="floor-bench")
        return {"task_id": job_id, "status": "queued"}

    return app


def from_env() -> FastAPI:
    """The app for uvicorn's worker processes (they import it by name)."""
    return build(os.environ["FLOOR_DB"], os.environ["FLOOR_BROKER"], os.environ["FLOOR_KEY"])


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--broker", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--workers", type=int, default=1, help="processes behind the port")
    a = p.parse_args()
    os.environ.update(FLOOR_DB=a.db, FLOOR_BROKER=a.broker, FLOOR_KEY=a.key)
    uvicorn.run("floor_app:from_env", factory=True, app_dir=str(Path(__file__).parent),
                workers=a.workers, host="127.0.0.1", port=a.port, log_level="warning",
                access_log=False)  # fmt: skip
