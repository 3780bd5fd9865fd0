"""Memory per open event stream, as the Python heap sees it (tracemalloc), by package: what
bench/events.py's RSS figure is made of, without the allocator's noise (RSS keeps what was
freed, so a process that served before looks cheaper). Prints figures; asserts nothing.

    python bench/stream_memory.py [--streams 300]

The app from create_app runs in this process on uvicorn (embedded Redis, SQLite, no worker, so
the jobs stay queued); a client in a child process opens N job streams
(`/images/task/{id}/events`), then N user streams (`/events`), and holds them while the heap
is compared with the one before. Beside them, in the same run, the same N streams of the
stack's floor (`bench/sse_floor_app.py`: bare Starlette + sse-starlette's response).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tests.support.backends import Backend  # noqa: E402
from tests.support.inprocess import InProcessApp  # noqa: E402
from tests.support.service import free_port  # noqa: E402

PACKAGES = ("uvicorn", "asyncio", "vignette", "fastapi", "starlette", "sse_starlette", "anyio")


# --- the client (a child process, so its allocations stay out of the trace) -----------------


async def client(base_url: str, key: str, n: int, kind: str) -> None:
    """Open n streams of `kind`, print `open`, hold them until stdin closes."""
    limits = httpx.Limits(max_connections=n + 10, max_keepalive_connections=n + 10)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with httpx.AsyncClient(
        base_url=base_url, headers=headers, timeout=None, limits=limits
    ) as c:
        paths = ["/events"] * n
        if kind == "task":
            texts = [f"A lighthouse number {i} on a grey cliff." for i in range(n)]
            body = {"title": "Streams", "chapters": [{"text": " ".join(texts), "descriptions": [
                {"type": "location", "text": t} for t in texts]}]}  # fmt: skip
            book = (await c.post("/books", json=body)).json()
            ids = [d["id"] for d in book["chapters"][0]["descriptions"]]
            tasks = [(await c.post(f"/images/generate/async/{d}")).json()["task_id"] for d in ids]
            paths = [f"/images/task/{t}/events" for t in tasks]
            for t in tasks:  # the thread pool and the connections exist before the snapshot
                (await c.get(f"/images/task/{t}")).raise_for_status()
            print("ready", flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        opened = 0

        async def hold(path: str) -> None:
            nonlocal opened
            async with c.stream("GET", path) as r:
                lines = r.aiter_lines()
                async for line in lines:
                    if line.startswith("data:"):
                        break
                opened += 1
                if opened == n:
                    print("open", flush=True)
                async for _ in lines:
                    pass

        holders = [asyncio.create_task(hold(p)) for p in paths]
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        for h in holders:
            h.cancel()
        await asyncio.gather(*holders, return_exceptions=True)


# --- the measurement -------------------------------------------------------------------------


def measure(base_url: str, key: str, n: int, kind: str) -> tuple[float, dict[str, float]]:
    """Python heap per open stream (KB) and its split by package."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--client", base_url, key, str(n), kind],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert child.stdin is not None
    assert child.stdout is not None
    try:
        if kind == "task":
            assert child.stdout.readline().strip() == "ready"
        time.sleep(1.0)
        gc.collect()
        before = tracemalloc.take_snapshot()
        if kind == "task":
            child.stdin.write("\n")
            child.stdin.flush()
        assert child.stdout.readline().strip() == "open"
        time.sleep(1.0)  # let the streams settle
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        child.stdin.close()
        child.wait(timeout=60)
    ignore = [tracemalloc.Filter(False, tracemalloc.__file__)]
    stats = after.filter_traces(ignore).compare_to(before.filter_traces(ignore), "filename")
    split: dict[str, float] = {}
    for s in stats:
        name = next((p for p in PACKAGES if f"/{p}/" in s.traceback[0].filename), "other")
        split[name] = split.get(name, 0.0) + s.size_diff / 1024 / n
    return sum(split.values()), split


class Floor:
    """bench/sse_floor_app.py on uvicorn in a thread of this process."""

    def __init__(self) -> None:
        from sse_floor_app import app

        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        for _ in range(100):
            if self.server.started:
                break
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *_: Any) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--streams", type=int, default=300)
    p.add_argument("--client", nargs=4, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.client:
        url, key, n, kind = a.client
        asyncio.run(client(url, key, int(n), kind))
        return
    n = a.streams
    app = InProcessApp(Path(tempfile.mkdtemp(prefix="vignette-streams-")), Backend("embedded"),
                       worker=False)  # fmt: skip
    app.start()
    tracemalloc.start(1)
    rows: list[tuple[str, float, dict[str, float]]] = []
    try:
        api = f"{app.base_url}/api/v1"
        rows.append(("job streams", *measure(api, app.api_key, n, "task")))
        rows.append(("user streams", *measure(api, app.api_key, n, "user")))
    finally:
        app.stop()
    with Floor() as floor:
        rows.append(("floor", *measure(floor, "", n, "user")))
    print(f"\nPython heap per open stream, KB, with {n} open (tracemalloc)")
    print(f"{'':>14} {'total':>7} " + " ".join(f"{p:>9}" for p in (*PACKAGES, "other")))
    for name, total, split in rows:
        parts = " ".join(f"{split.get(p, 0.0):>9.2f}" for p in (*PACKAGES, "other"))
        print(f"{name:>14} {total:>7.2f} {parts}")
    print("floor: bare Starlette + sse-starlette's EventSourceResponse on uvicorn, idle streams")


if __name__ == "__main__":
    main()
