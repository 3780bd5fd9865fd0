"""Benchmark: async submit latency and throughput against the stack's floor, and
submit-to-completed time with the procedural provider. Prints a table; asserts nothing.

    ./run bench                 # starts a temporary `vignette serve` (embedded mode)
    python bench/submit.py --clients 50 --requests 1000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.backends import Backend  # noqa: E402
from tests.support.service import Service, free_port  # noqa: E402


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))] * 1000


async def run_load(
    urls: list[str], headers: dict[str, str], clients: int
) -> tuple[list[float], float, int]:
    """POST every url with `clients` concurrent clients; latencies, elapsed seconds, errors."""
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[str] = asyncio.Queue()
    for u in urls:
        queue.put_nowait(u)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=30) as client:

        async def one_client() -> None:
            nonlocal errors
            while not queue.empty():
                url = queue.get_nowait()
                t0 = time.perf_counter()
                r = await client.post(url)
                latencies.append(time.perf_counter() - t0)
                if r.status_code not in (200, 202):
                    errors += 1

        start = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(clients)))
        elapsed = time.perf_counter() - start
    return latencies, elapsed, errors


def make_book(client: httpx.Client, n: int) -> list[str]:
    """A book with n distinct descriptions; returns their ids."""
    per_chapter = 200
    chapters = []
    for c in range((n + per_chapter - 1) // per_chapter):
        sentences = [
            f"Scene {c}-{i}: a red castle stood by the grey sea under a stormy sky."
            for i in range(per_chapter)
        ]
        chapters.append(
            {
                "title": f"Part {c}",
                "text": " ".join(sentences),
                "descriptions": [{"type": "location", "text": s} for s in sentences],
            }
        )
    r = client.post("/books", json={"title": "Bench", "genre": "fantasy", "chapters": chapters})
    r.raise_for_status()
    return [d["id"] for ch in r.json()["chapters"] for d in ch["descriptions"]][:n]


def completion_times(client: httpx.Client, ids: list[str]) -> list[float]:
    """Submit one job at a time and poll until completed; seconds per job."""
    times = []
    for desc_id in ids:
        t0 = time.perf_counter()
        task = client.post(f"/images/generate/async/{desc_id}").json()
        while True:
            doc = client.get(f"/images/task/{task['task_id']}").json()
            if doc["status"] in ("completed", "failed", "cancelled"):
                break
            time.sleep(0.005)
        if doc["status"] != "completed":
            raise RuntimeError(f"job ended {doc['status']}: {doc.get('error')}")
        times.append(time.perf_counter() - t0)
    return times


def row(name: str, lat: list[float], elapsed: float | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "p50": pct(lat, 50),
        "p95": pct(lat, 95),
        "p99": pct(lat, 99),
        "rps": len(lat) / elapsed if elapsed else len(lat) / sum(lat),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--requests", type=int, default=1000, help="per target, concurrent phase")
    p.add_argument("--single", type=int, default=300, help="per target, one-client phase")
    p.add_argument("--completions", type=int, default=30)
    a = p.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="vignette-bench-"))
    svc = Service(tmp / "data", Backend("embedded"))
    svc.start()
    floor_port = free_port()
    sock = svc.data_dir / "run" / "redis.sock"
    floor = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "floor_app.py"), "--port", str(floor_port),
         "--db", str(tmp / "floor.db"), "--broker", f"redis+socket://{sock}", "--key", "floor-key"],
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                httpx.post(
                    f"http://127.0.0.1:{floor_port}/submit/x",
                    headers={"Authorization": "Bearer floor-key"},
                )
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        key = svc.api_key
        auth = {"Authorization": f"Bearer {key}"}
        floor_auth = {"Authorization": "Bearer floor-key"}
        with svc.client() as c:
            ids = make_book(c, a.completions + a.single + a.requests + 100)
            done = completion_times(c, ids[: a.completions])
        ids = ids[a.completions :]
        v = f"{svc.base_url}/api/v1/images/generate/async/"
        f = f"http://127.0.0.1:{floor_port}/submit/"
        warm, ids = ids[:50], ids[50:]
        asyncio.run(run_load([v + i for i in warm], auth, 5))
        asyncio.run(run_load([f + i for i in warm], floor_auth, 5))
        single, ids = ids[: a.single], ids[a.single :]
        results = []
        lat, el, err_f1 = asyncio.run(run_load([f + i for i in single], floor_auth, 1))
        results.append(row("floor, 1 client", lat, el))
        lat, el, err_v1 = asyncio.run(run_load([v + i for i in single], auth, 1))
        results.append(row("vignette, 1 client", lat, el))
        conc = ids[: a.requests]
        lat, el, err_fn = asyncio.run(run_load([f + i for i in conc], floor_auth, a.clients))
        results.append(row(f"floor, {a.clients} clients", lat, el))
        lat, el, err_vn = asyncio.run(run_load([v + i for i in conc], auth, a.clients))
        results.append(row(f"vignette, {a.clients} clients", lat, el))
    finally:
        floor.terminate()
        floor.wait()
        svc.stop()

    print(f"\nasync submit (POST /images/generate/async), embedded mode, {os.cpu_count()} cores")
    print(f"{'':28} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8}")
    for r in results:
        print(f"{r['name']:28} {r['p50']:8.2f} {r['p95']:8.2f} {r['p99']:8.2f} {r['rps']:8.0f}")
    f1, v1, fn, vn = results
    print("\nvignette / floor:")
    print(f"  1 client p50 ratio            {v1['p50'] / f1['p50']:.2f}")
    print(f"  {a.clients} clients throughput ratio  {vn['rps'] / fn['rps']:.2f}  (target >= 0.80)")
    print(f"  {a.clients} clients p99 ratio         {vn['p99'] / fn['p99']:.2f}  (target <= 1.50)")
    print(f"  errors: floor {err_f1 + err_fn}, vignette {err_v1 + err_vn}")
    print(f"\nsubmit -> completed, procedural 1024x768 WebP, {len(done)} jobs one at a time:")
    p50, p95, worst = pct(done, 50), pct(done, 95), max(done) * 1000
    print(f"  p50 {p50:.0f} ms   p95 {p95:.0f} ms   max {worst:.0f} ms  (target p50 < 300 ms)")


if __name__ == "__main__":
    main()
