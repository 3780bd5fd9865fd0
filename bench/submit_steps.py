"""Where the async submit's CPU goes, step by step, beside the floor's two steps.

    python bench/submit_steps.py [--jobs 1500]

Runs in one process against a temporary SQLite database and an embedded Redis: no HTTP, no
FastAPI, no threads (bench/submit.py measures whole requests). Prints the thread CPU of each
step, best of three rounds, then the CPU per submit of the API's group commit alone and in
groups of 5, 20 and 50. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from vignette.embedded.process import stop_group  # noqa: E402
from vignette.embedded.redis_server import start_redis  # noqa: E402

Steps = dict[str, float]


def timed(steps: Steps) -> Callable[[str], None]:
    """A lap timer: each call adds the thread CPU since the previous call to `name`."""
    last = [time.thread_time()]

    def lap(name: str) -> None:
        now = time.thread_time()
        steps[name] += now - last[0]
        last[0] = now

    return lap


def _floor_pragmas(conn: Any, _record: Any) -> None:
    # As bench/floor_app.py: WAL, no fsync per commit.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--jobs", type=int, default=1500, help="submits per round")
    a = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="vignette-steps-"))
    redis_proc, redis_url = start_redis(tmp)
    os.environ.update(VIGNETTE_DATA_DIR=str(tmp), VIGNETTE_REDIS_URL=redis_url)
    try:
        run(tmp, a.jobs)
    finally:
        stop_group(redis_proc, timeout=5)


def run(tmp: Path, jobs: int) -> None:
    """Three rounds of `jobs` submits, Vignette's steps then the floor's."""
    from celery import Celery
    from sqlalchemy import create_engine, event, text

    from vignette.books.schemas import BookIn
    from vignette.books.service import create_book
    from vignette.db.migrate import upgrade
    from vignette.generation import repository as repo
    from vignette.generation import service
    from vignette.generation.documents import describe
    from vignette.queue.celery_app import broker_url
    from vignette.queue.names import ROUTES, TaskName
    from vignette.runtime import build_runtime
    from vignette.settings import get_settings
    from vignette.users.service import create_user

    settings = get_settings()
    upgrade(settings.resolved_database_url)
    rt = build_runtime(settings)
    sentences = [f"Scene {i}: a red castle by the grey sea under a stormy sky." for i in range(200)]
    with rt.db.write() as s:
        user, _ = create_user(s, "bench@example.org")
        chapters = [
            {
                "title": f"Part {c}",
                "text": " ".join(sentences),
                "descriptions": [{"type": "location", "text": x} for x in sentences],
            }
            for c in range((15 * jobs) // 200 + 1)
        ]
        book = create_book(s, user.id, BookIn.model_validate({"title": "B", "chapters": chapters}))
        ids = [d.id for ch in book.chapters for d in ch.descriptions]
        user_id = user.id

    floor_engine = create_engine(f"sqlite:///{tmp / 'floor.db'}")
    event.listen(floor_engine, "connect", _floor_pragmas)
    with floor_engine.begin() as c:
        c.execute(text("CREATE TABLE jobs (id TEXT PRIMARY KEY, d TEXT)"))
    floor_celery = Celery("floor", broker=broker_url(settings.redis_url))

    best: dict[str, Steps] = {"vignette": {}, "floor": {}}
    for round_ in range(3):
        mine: Steps = defaultdict(float)
        lap = timed(mine)
        for desc_id in ids[round_ * jobs : (round_ + 1) * jobs]:
            lap("(between)")
            with rt.db.write() as session:
                session.connection()
                lap("session + BEGIN IMMEDIATE")
                found = repo.owned_description(session, user_id=user_id, description_id=desc_id)
                assert found is not None
                lap("description lookup")
                job = service._new_job(found, service.JobOptions(), service.Defaults())
                lap("build job + prompt")
                repo.insert_job(session, job)
                lap("insert")
                doc = describe(session, job, fresh=True)
                lap("describe")
            lap("commit")
            rt.dispatcher.celery.send_task(
                TaskName.GENERATE_IMAGE,
                args=[str(job.id)],
                queue=ROUTES[TaskName.GENERATE_IMAGE],
                priority=0,
                task_id=str(job.id),
            )
            lap("celery send")
            rt.dispatcher.job_markers.set(job.id, 600, "bench")
            lap("marker")
            doc.model_dump_json()
            lap("answer JSON")
        floor: Steps = defaultdict(float)
        lap = timed(floor)
        for _ in range(jobs):
            lap("(between)")
            job_id = str(uuid.uuid4())
            with floor_engine.begin() as c:
                c.execute(text("INSERT INTO jobs VALUES (:i, :d)"), {"i": job_id, "d": "x"})
            lap("insert + commit")
            floor_celery.send_task("floor.noop", args=[job_id], queue="floor-bench")
            lap("celery send")
        for name, steps in (("vignette", mine), ("floor", floor)):
            for step, seconds in steps.items():
                ms = seconds * 1000 / jobs
                best[name][step] = min(best[name].get(step, ms), ms)
    grouped = groups(rt, user_id, ids[3 * jobs :], jobs)
    rt.close()

    print(f"\nthread CPU per submit, ms (best of 3 rounds of {jobs}; no HTTP layer)")
    for name, steps in best.items():
        print(f"\n{name}")
        for step, ms in steps.items():
            if step != "(between)":
                print(f"  {step:28} {ms:6.3f}")
        print(f"  {'total':28} {sum(v for k, v in steps.items() if k != '(between)'):6.3f}")
    print("\nthe whole submit as the API commits it (commit_group: transaction, messages,")
    print("markers), alone and in groups as requests arriving together are (CPU ms per submit,")
    print("best of 3)")
    for size, ms in grouped.items():
        print(f"  {'alone' if size == 1 else f'groups of {size}':28} {ms:6.3f}")


def groups(rt: Any, user_id: uuid.UUID, ids: list[uuid.UUID], jobs: int) -> dict[int, float]:
    """CPU per submit through the API's group commit, for a few group sizes."""
    from vignette.api.committer import commit_group
    from vignette.api.creations import Creation
    from vignette.generation.routes import submission
    from vignette.generation.service import JobOptions

    best: dict[int, float] = {}
    chunks = iter(range(0, len(ids), jobs))
    for _ in range(3):
        for size in (1, 5, 20, 50):
            part = ids[next(chunks) :][:jobs]
            creations = [Creation(user_id, None, "", submission(rt, user_id, d, JobOptions()))
                         for d in part]  # fmt: skip
            t0 = time.thread_time()
            for k in range(0, len(creations), size):
                for answer in commit_group(rt, creations[k : k + size]):
                    assert not isinstance(answer, Exception), answer
            ms = (time.thread_time() - t0) * 1000 / len(creations)
            best[size] = min(best.get(size, ms), ms)
    return best


if __name__ == "__main__":
    main()
