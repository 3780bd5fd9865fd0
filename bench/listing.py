"""Benchmark: reading pages of jobs, as the web reader and clients poll them. Prints latency
of a book's image listing (50 per page), a chapter batch's status (40 jobs) and one task's
status; asserts nothing.

    python bench/listing.py [--requests 200]

Starts a temporary `vignette serve` (embedded mode), makes 50 completed images with the
procedural provider, then queues a 40-job chapter batch with the worker paused.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.backends import Backend  # noqa: E402
from tests.support.service import Service  # noqa: E402


def timed(client: httpx.Client, path: str, n: int) -> tuple[float, float]:
    """p50 and p95 in ms of n sequential GETs."""
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        client.get(path).raise_for_status()
        times.append((time.perf_counter() - t0) * 1000)
    q = statistics.quantiles(times, n=20)
    return q[9], q[18]


def book(client: httpx.Client, chapters: int, per_chapter: int) -> dict[str, object]:
    """A book whose chapters each have `per_chapter` location descriptions."""
    parts = []
    for c in range(chapters):
        sentences = [f"Hall {c}-{i} stood under a red sky." for i in range(per_chapter)]
        parts.append(
            {
                "title": f"Part {c}",
                "text": " ".join(sentences),
                "descriptions": [{"type": "location", "text": t} for t in sentences],
            }
        )
    r = client.post("/books", json={"title": "Listing bench", "chapters": parts})
    r.raise_for_status()
    return r.json()  # type: ignore[no-any-return]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--requests", type=int, default=200)
    a = p.parse_args()
    svc = Service(Path(tempfile.mkdtemp(prefix="vignette-listing-")) / "data", Backend("embedded"))
    svc.start()
    try:
        with svc.client() as c:
            made = book(c, 2, 50)
            first, second = cast(list[dict[str, Any]], made["chapters"])
            tasks = [
                c.post(f"/images/generate/async/{d['id']}").json()["task_id"]
                for d in first["descriptions"]
            ]
            for task in tasks:
                while c.get(f"/images/task/{task}").json()["status"] != "completed":
                    time.sleep(0.02)
            os.killpg(svc.pid("worker"), signal.SIGSTOP)
            try:
                batch = c.post(
                    f"/images/generate/async/chapter/{second['id']}", json={"max_images": 40}
                ).json()
                rows = [
                    ("book listing, 50 completed jobs", f"/images/book/{made['id']}?limit=50"),
                    ("batch status, 40 queued jobs", f"/images/batch/{batch['batch_id']}"),
                    ("one completed task", f"/images/task/{tasks[0]}"),
                    ("one queued task", f"/images/task/{batch['job_ids'][-1]}"),
                ]
                results = [(name, timed(c, path, a.requests)) for name, path in rows]
            finally:
                os.killpg(svc.pid("worker"), signal.SIGCONT)
    finally:
        svc.stop()
    print(f"\nGET latency, one client, {a.requests} requests each (embedded mode)")
    print(f"{'':36} {'p50 ms':>8} {'p95 ms':>8}")
    for name, (p50, p95) in results:
        print(f"{name:36} {p50:8.2f} {p95:8.2f}")


if __name__ == "__main__":
    main()
