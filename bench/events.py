"""Live updates: N clients each following one job, over server-sent events and, side by side in
the same run, by polling the status URL every 3 s (what the replaced web reader did). Prints
figures; asserts nothing.

    python bench/events.py [--clients 1,100,1000]

Starts a temporary `vignette serve` (embedded mode, procedural provider), pauses its worker
(SIGSTOP), submits N jobs and opens the N streams (each gets its `queued` document), measures
the API process's memory, then lets the worker go. Completion → client notified is measured
from the job's `finished_at` (set by the worker in the transaction it commits) to the moment
the client has the `completed` document. Beside it, the memory per open stream of the stack's
floor (`bench/sse_floor_app.py`: bare Starlette + sse-starlette on uvicorn).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.backends import Backend  # noqa: E402
from tests.support.service import Service, free_port, process_tree  # noqa: E402

POLL_SECONDS = 3.0
ERRORS = [0]  # failed requests of the current run


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def finished(doc: dict[str, Any]) -> float:
    return datetime.fromisoformat(doc["finished_at"]).timestamp()


async def follow_stream(
    c: httpx.AsyncClient, task_id: str, opened: asyncio.Event, count: list[int], n: int
) -> float:
    """Seconds from the job's commit to this client having its completed document."""
    async with c.stream("GET", f"/images/task/{task_id}/events") as r:
        data: list[str] = []
        async for line in r.aiter_lines():
            if line.startswith("data:"):
                data.append(line[5:].strip())
            elif not line and data:
                doc = json.loads("\n".join(data))
                data = []
                if doc["status"] == "queued":
                    count[0] += 1
                    if count[0] == n:
                        opened.set()
                elif doc["status"] == "completed":
                    return time.time() - finished(doc)
    raise RuntimeError(f"stream of {task_id} ended without completed")


async def follow_polling(
    c: httpx.AsyncClient, task_id: str, opened: asyncio.Event, count: list[int], n: int
) -> float:
    first = True
    while True:
        try:
            doc = (await c.get(f"/images/task/{task_id}")).json()
        except httpx.HTTPError:
            ERRORS[0] += 1  # an overloaded API: the poller tries again at its next tick
            await asyncio.sleep(POLL_SECONDS)
            continue
        if first:
            first = False
            count[0] += 1
            if count[0] == n:
                opened.set()
        if doc["status"] == "completed":
            return time.time() - finished(doc)
        await asyncio.sleep(POLL_SECONDS)


async def warm_up(c: httpx.AsyncClient, tasks: list[str], at_once: int = 200) -> None:
    gate = asyncio.Semaphore(at_once)

    async def read(task_id: str) -> None:
        async with gate:
            (await c.get(f"/images/task/{task_id}")).raise_for_status()

    await asyncio.gather(*(read(t) for t in tasks))


def signal_tree(pid: int, sig: signal.Signals) -> None:
    for p in process_tree(pid):
        os.kill(p.pid, sig)


def api_process(svc: Service) -> psutil.Process:
    return psutil.Process(svc.api_servers()[0])


async def run(svc: Service, n: int, mode: str) -> dict[str, float]:
    ERRORS[0] = 0
    limits = httpx.Limits(max_connections=n + 20, max_keepalive_connections=n + 20)
    headers = {"Authorization": f"Bearer {svc.api_key}"}
    async with httpx.AsyncClient(
        base_url=f"{svc.base_url}/api/v1", headers=headers, limits=limits, timeout=300
    ) as c:
        texts = [f"A lighthouse number {i} on a grey cliff." for i in range(n)]
        body = {
            "title": f"Events {mode} {n}",
            "chapters": [{"text": " ".join(texts),
                          "descriptions": [{"type": "location", "text": t} for t in texts]}],
        }  # fmt: skip
        book = (await c.post("/books", json=body)).json()
        ids = [d["id"] for d in book["chapters"][0]["descriptions"]]
        worker = svc.pid("worker")
        api = api_process(svc)
        signal_tree(worker, signal.SIGSTOP)
        try:
            tasks = [(await c.post(f"/images/generate/async/{d}")).json()["task_id"] for d in ids]
            # A burst of status reads first, as many at once as the streams will open: the
            # thread pool and the database connections then exist (as on any server that has
            # been serving), and the figure below is the streams' own memory.
            await warm_up(c, tasks)
            await asyncio.sleep(1.0)
            rss_before = api.memory_info().rss
            opened, count = asyncio.Event(), [0]
            follow = follow_stream if mode == "sse" else follow_polling
            cpu0 = sum(api.cpu_times()[:2])
            clients = [asyncio.create_task(follow(c, t, opened, count, n)) for t in tasks]
            await asyncio.wait_for(opened.wait(), 300)
            await asyncio.sleep(1.0)  # let the streams settle
            rss_open = api.memory_info().rss
        finally:
            signal_tree(worker, signal.SIGCONT)
        started = time.perf_counter()
        latencies = await asyncio.gather(*clients)
        wall = time.perf_counter() - started
        cpu = sum(api.cpu_times()[:2]) - cpu0
    return {
        "p50": statistics.median(latencies) * 1000,
        "p95": pct(latencies, 95) * 1000,
        "p99": pct(latencies, 99) * 1000,
        "kb_per_client": (rss_open - rss_before) / 1024 / n,
        "cpu_ms_per_client": cpu * 1000 / n,
        "wall": wall,
        "errors": float(ERRORS[0]),
    }


async def floor_kb_per_stream(n: int) -> float:
    """Memory per open stream of bench/sse_floor_app.py, with n streams open."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "sse_floor_app:app", "--port", str(port),
         "--log-level", "warning"],
        cwd=Path(__file__).parent,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/events"
        limits = httpx.Limits(max_connections=n + 20, max_keepalive_connections=n + 20)
        async with httpx.AsyncClient(limits=limits, timeout=60) as c:
            for _ in range(100):
                try:
                    async with c.stream("GET", url) as r:
                        await anext(r.aiter_lines())
                    break
                except httpx.HTTPError:
                    await asyncio.sleep(0.1)
            proc = psutil.Process(server.pid)
            before = proc.memory_info().rss
            ready = asyncio.Semaphore(0)

            async def hold() -> None:
                async with c.stream("GET", url) as r:
                    async for line in r.aiter_lines():
                        if line.startswith("data:"):
                            ready.release()

            holders = [asyncio.create_task(hold()) for _ in range(n)]
            for _ in range(n):
                await asyncio.wait_for(ready.acquire(), 120)
            await asyncio.sleep(1.0)
            kb = (proc.memory_info().rss - before) / 1024 / n
            for h in holders:
                h.cancel()
            await asyncio.gather(*holders, return_exceptions=True)
            return kb
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--clients", default="1,100,1000")
    p.add_argument("--poll-max", type=int, default=100,
                   help="poll side by side up to this many clients (1,000 pollers every 3 s "
                        "are 333 requests/s, more than one API process serves here)")  # fmt: skip
    a = p.parse_args()
    svc = Service(Path(tempfile.mkdtemp(prefix="vignette-events-")) / "data", Backend("embedded"))
    svc.start()
    rows: list[tuple[int, str, dict[str, float]]] = []
    try:
        for n in (int(x) for x in a.clients.split(",")):
            for mode in ("sse", "poll") if n <= a.poll_max else ("sse",):
                rows.append((n, mode, asyncio.run(run(svc, n, mode))))
                print(f"{n} clients, {mode}: {rows[-1][2]}", file=sys.stderr)
    finally:
        svc.stop()
    floors = {n: asyncio.run(floor_kb_per_stream(n)) for n, mode, _ in rows if mode == "sse"}
    print("\ncompletion → client notified, ms; the API process per open client; wall from the")
    print("worker's resume to the last client notified (procedural provider, 2 worker processes)")
    print(f"{'clients':>8} {'how':>14} {'p50':>8} {'p95':>8} {'p99':>8} {'KB/client':>10} "
          f"{'CPU ms/client':>14} {'wall s':>7} {'errors':>7}")  # fmt: skip
    for n, mode, r in rows:
        how = "SSE" if mode == "sse" else f"poll {POLL_SECONDS:.0f} s"
        print(f"{n:>8} {how:>14} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['p99']:>8.1f} "
              f"{r['kb_per_client']:>10.1f} {r['cpu_ms_per_client']:>14.1f} "
              f"{r['wall']:>7.1f} {r['errors']:>7.0f}")  # fmt: skip
    for n, kb in floors.items():
        print(
            f"{n:>8} {'floor SSE':>14} {'':>8} {'':>8} {'':>8} {kb:>10.1f}   "
            "(bare Starlette + sse-starlette on uvicorn, idle streams)"
        )


if __name__ == "__main__":
    main()
