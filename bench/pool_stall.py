"""A burst of status reads, larger than the thread pool, against the route as it is and, in the
same API process, against the shape it had: a session from a dependency, held until the
request ends, on a sync route whose answer needs a second thread-pool slot to be serialized.

Prints, for each shape, the burst's answers, errors and latencies, and how long after the
burst a single read is answered again (the old shape stalled for minutes: every thread waited
for a pooled connection that only an answer waiting for a thread could give back).

    python bench/pool_stall.py [--burst 600] [--rounds 2]

Asserts nothing. The second API process (`--serve-app`) is this file's own factory: Vignette's
app plus the baseline route `/bench/old-shape/task/{id}`, with the same pool and thread pool.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

import httpx
from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.api import create_book, description_ids, wait_for
from tests.support.backends import Backend
from tests.support.service import Service, free_port

from vignette.api.deps import CurrentUserDep, RuntimeDep
from vignette.app import create_app
from vignette.generation import service
from vignette.generation.documents import describe
from vignette.generation.schemas import TaskStatus

OLD_PATH = "/bench/old-shape/task/{task_id}"


async def read_session(rt: RuntimeDep) -> AsyncIterator[Session]:
    """The baseline: a session from a dependency, closed when the request ends."""
    with rt.db.read() as session:
        yield session


OldSessionDep = Annotated[Session, Depends(read_session)]


def old_task_status(
    task_id: uuid.UUID, rt: RuntimeDep, session: OldSessionDep, user: CurrentUserDep
) -> TaskStatus:
    """The status route as it was (a sync route reading through the dependency's session)."""
    job = service.get_job(session, user.id, task_id)
    return describe(session, job, slots=rt.settings.worker_concurrency)


def old_shape_app() -> FastAPI:
    """Vignette's app with the baseline route beside the real one (same process, same pool)."""
    app = create_app()
    app.get(OLD_PATH, response_model=TaskStatus)(old_task_status)
    return app


async def burst(url: str, key: str, n: int) -> tuple[list[float], Counter[str], float]:
    """n reads at once; (latencies of the answered ones in ms, errors by kind, wall seconds)."""
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(limits=limits, timeout=60, headers=headers) as c:

        async def one() -> float | str:
            started = time.perf_counter()
            try:
                r = await c.get(url)
            except httpx.HTTPError as exc:
                return type(exc).__name__
            if r.status_code != 200:
                return str(r.status_code)
            return (time.perf_counter() - started) * 1000

        started = time.perf_counter()
        results = await asyncio.gather(*(one() for _ in range(n)))
        wall = time.perf_counter() - started
    answered = [r for r in results if isinstance(r, float)]
    return answered, Counter(r for r in results if isinstance(r, str)), wall


def recovery(url: str, key: str, limit: float = 180.0) -> float:
    """Seconds until one read is answered within 2 s (limit: gave up)."""
    started = time.monotonic()
    headers = {"Authorization": f"Bearer {key}"}
    while time.monotonic() - started < limit:
        try:
            if httpx.get(url, headers=headers, timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    return limit


def pct(values: list[float], q: float) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))]:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--burst", type=int, default=600, help="reads sent at once")
    parser.add_argument("--rounds", type=int, default=2, help="bursts per shape, alternating")
    parser.add_argument("--serve-app", type=int, default=0, help=argparse.SUPPRESS)
    a = parser.parse_args()
    if a.serve_app:
        import uvicorn

        uvicorn.run(old_shape_app(), host="127.0.0.1", port=a.serve_app, log_level="warning")
        return

    tmp = Path(tempfile.mkdtemp(prefix="vignette-pool-stall-"))
    svc = Service(tmp / "data", Backend("embedded"))
    svc.start()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGNETTE_")}
    env.update(
        VIGNETTE_DATA_DIR=str(svc.data_dir),
        VIGNETTE_DATABASE_URL=f"sqlite:///{(svc.data_dir / 'vignette.db').resolve()}",
        VIGNETTE_REDIS_URL=f"unix://{(svc.data_dir / 'run' / 'redis.sock').resolve()}",
        VIGNETTE_METRICS_ENABLED="false",
    )
    log = open(tmp / "api.log", "wb")  # noqa: SIM115
    api = subprocess.Popen(
        [sys.executable, __file__, "--serve-app", str(port)], env=env, stdout=log, stderr=log
    )
    try:
        with svc.client() as c:
            task = c.post(f"/images/generate/async/{description_ids(create_book(c))[0]}").json()
            wait_for(c, task["task_id"], {"completed"})
        base = f"http://127.0.0.1:{port}"
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        shapes = {
            "route reads in its body (now)": f"{base}/api/v1/images/task/{task['task_id']}",
            "session from a dependency (before)": base + OLD_PATH.format(task_id=task["task_id"]),
        }
        print(f"{a.burst} status reads at once against one API process (SQLite pool 5 + 10, "
              f"40 threads); then how long until one read is answered again\n")  # fmt: skip
        print(f"{'shape':<38} {'answered':>8} {'p50 ms':>7} {'p99 ms':>7} "
              f"{'wall s':>6} {'again, s':>10}   errors")  # fmt: skip
        for _ in range(a.rounds):
            for name, url in shapes.items():
                answered, errors, wall = asyncio.run(burst(url, svc.api_key, a.burst))
                again = recovery(url, svc.api_key)
                kinds = ", ".join(f"{k} x{v}" for k, v in errors.items()) or "0"
                print(f"{name:<38} {len(answered):>8} {pct(answered, 0.5):>7} "
                      f"{pct(answered, 0.99):>7} {wall:>6.1f} {again:>10.1f}   {kinds}",
                      flush=True)  # fmt: skip
                time.sleep(2)
    finally:
        api.terminate()
        try:
            api.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a stalled process may not get to its shutdown
            api.kill()
            api.wait(timeout=10)
        log.close()
        svc.stop()


if __name__ == "__main__":
    main()
