"""Benchmark: worker throughput against a provider of fixed latency L with C worker processes,
against the ideal C / L (every slot always waiting on a call). Prints figures; asserts nothing.

    python bench/worker_throughput.py [--concurrency 8] [--latency-ms 1000] [--jobs 200]

Starts the fake provider server (OpenAI wire format, no faults) and a temporary `vignette serve`
whose chain is that one provider, queues every job at once, and times completions from the
jobs' own `finished_at`. The steady rate is taken between the 10th and the 90th percentile of
completions, leaving out the ramp-up and the tail. The fake renders a real picture for every
call, one at a time in its one process, so a call takes longer than L; the last line compares
with the call time the workers saw.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.backends import Backend  # noqa: E402
from tests.support.service import Service, free_port  # noqa: E402

KEY = "bench-key"


def start_fake(latency_ms: float) -> tuple[subprocess.Popen[bytes], str]:
    """The fake provider server in its own process, and its URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "vignette", "fake-providers", "--port", str(port),
         "--latency-ms", str(latency_ms)],
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(f"{url}/_fake/calls")
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("the fake provider server did not start")


def all_jobs(c: httpx.Client, book_id: str, total: int) -> list[dict[str, Any]]:
    """Every job document of the book, page by page."""
    docs: list[dict[str, Any]] = []
    while len(docs) < total:
        page = c.get(f"/images/book/{book_id}", params={"limit": 100, "offset": len(docs)}).json()
        docs.extend(page["items"])
    return docs


def run(concurrency: int, latency_ms: float, jobs: int, fake_url: str) -> dict[str, float]:
    """Queue `jobs` at once; the steady completion rate and how long the whole run took."""
    svc = Service(
        Path(tempfile.mkdtemp(prefix="vignette-throughput-")) / "data",
        Backend("embedded"),
        provider_chain="openai",
        openai_api_key=KEY,
        openai_base_url=fake_url,
        worker_concurrency=concurrency,
        provider_timeout_seconds=30,
    )
    svc.start()
    try:
        with svc.client() as c:
            texts = [f"Scene {i}: a grey tower stood above the sea." for i in range(jobs)]
            chapter = {
                "title": "1",
                "text": " ".join(texts),
                "descriptions": [{"type": "location", "text": t} for t in texts],
            }
            book = c.post("/books", json={"title": "Throughput", "chapters": [chapter]}).json()
            started = time.perf_counter()
            for d in book["chapters"][0]["descriptions"]:
                c.post(f"/images/generate/async/{d['id']}").raise_for_status()
            submitted = time.perf_counter() - started
            done = 0
            while done < jobs:
                time.sleep(0.5)
                listing = c.get(
                    f"/images/book/{book['id']}", params={"status": "completed", "limit": 1}
                ).json()
                done = listing["total"]
            wall = time.perf_counter() - started
            docs = all_jobs(c, book["id"], jobs)
    finally:
        svc.stop()
    finished = sorted(datetime.fromisoformat(d["finished_at"]).timestamp() for d in docs)
    lo, hi = int(0.1 * jobs), int(0.9 * jobs)
    steady = (hi - lo) / (finished[hi] - finished[lo])
    calls = sum(d["attempt_count"] for d in docs)
    call_ms = [a["duration_ms"] for d in docs for a in d["attempts"]]
    run_ms = [d["timings"]["generating_ms"] for d in docs]
    return {
        "steady": steady,
        "wall": wall,
        "submitted": submitted,
        "calls": calls,
        "call_ms": sum(call_ms) / len(call_ms),
        "run_ms": sum(run_ms) / len(run_ms),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--concurrency", type=int, default=8, help="worker processes (C)")
    p.add_argument("--latency-ms", type=float, default=1000, help="provider latency (L)")
    p.add_argument("--jobs", type=int, default=200)
    a = p.parse_args()
    fake, url = start_fake(a.latency_ms)
    try:
        r = run(a.concurrency, a.latency_ms, a.jobs, url)
    finally:
        fake.terminate()
        fake.wait()
    ideal = a.concurrency / (a.latency_ms / 1000)
    print(f"\nworker throughput: {a.jobs} jobs, C = {a.concurrency} worker processes, "
          f"L = {a.latency_ms:.0f} ms, embedded mode")  # fmt: skip
    print(f"  ideal C / L               {ideal:7.2f} jobs/s")
    print(f"  steady rate (p10..p90)    {r['steady']:7.2f} jobs/s  "
          f"= {r['steady'] / ideal:.2f} of C / L  (target >= 0.90)")  # fmt: skip
    print(f"  whole run                 {a.jobs / r['wall']:7.2f} jobs/s  ({r['wall']:.1f} s, "
          f"submits took {r['submitted']:.1f} s)")  # fmt: skip
    print(f"  provider calls            {r['calls']:7d}  (one per job when nothing fails)")
    print(f"  mean provider call        {r['call_ms']:7.0f} ms  (L plus the fake's rendering)")
    print(f"  mean claim -> finished    {r['run_ms']:7.0f} ms  (the call plus the worker's steps)")
    seen = a.concurrency / (r["call_ms"] / 1000)
    share = r["steady"] / seen
    print(f"  C / mean provider call    {seen:7.2f} jobs/s; steady rate = {share:.2f} of it")


if __name__ == "__main__":
    main()
