"""The worker's own cost per provider call: CPU of the worker's processes and the wall time of
its steps (claim, ledger row, validation, storage, commits) outside the call itself.

    python bench/worker_overhead.py [--jobs 200] [--failure-rate 0.5] [--compare PATH]

Starts the fake provider server (Gemini and Pollinations wire formats, no latency, one cached
picture per size so the fake costs next to nothing) and a temporary `vignette serve` with chain
gemini,pollinations and 2 worker processes, queues every job at once and reads the ledger:

- worker CPU per call: user + system CPU of the worker process tree / provider calls;
- own ms per one-call job: for the jobs done in one call, (claim → finished) minus the call.

`--compare PATH` runs the same with PATH/src first on the path (another checkout, e.g. the
code before a change), side by side in one run. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
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

from vignette.fakes.wire import placeholder_png  # noqa: E402

KEY = "bench-key"


def start_fake(failure_rate: float) -> tuple[subprocess.Popen[bytes], str]:
    """The fake provider server in its own process, answering at once."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "vignette", "fake-providers", "--port", str(port),
         "--failure-rate", str(failure_rate), "--seed", "11", "--same-picture"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
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


def worker_cpu(svc: Service) -> float:
    """CPU seconds used so far by the worker and its pool processes."""
    total = 0.0
    for p in process_tree(svc.pid("worker")):
        try:
            times = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def run(fake_url: str, jobs: int, pythonpath: str | None) -> dict[str, float]:
    """Queue `jobs` at once, wait for all, and measure the worker's side."""
    saved = os.environ.get("PYTHONPATH")
    if pythonpath:
        os.environ["PYTHONPATH"] = pythonpath
    try:
        svc = Service(
            Path(tempfile.mkdtemp(prefix="vignette-overhead-")) / "data",
            Backend("embedded"),
            provider_chain="gemini,pollinations",
            gemini_api_key=KEY,
            gemini_base_url=fake_url,
            pollinations_api_key=KEY,
            pollinations_base_url=fake_url,
            # The fake's stand-in picture, known by its digest as Pollinations' real one is.
            pollinations_placeholder_hashes=hashlib.sha256(placeholder_png()).hexdigest(),
            max_provider_calls=12,
            provider_timeout_seconds=10,
        )
    finally:
        if pythonpath:
            if saved is None:
                os.environ.pop("PYTHONPATH", None)
            else:
                os.environ["PYTHONPATH"] = saved
    svc.start()
    try:
        time.sleep(2)  # let the worker finish starting before its CPU is counted
        with svc.client() as c:
            texts = [f"Scene {i}: a grey tower stood above the sea." for i in range(jobs)]
            chapter = {
                "title": "1",
                "text": " ".join(texts),
                "descriptions": [{"type": "location", "text": t} for t in texts],
            }
            book = c.post("/books", json={"title": "Overhead", "chapters": [chapter]}).json()
            cpu0 = worker_cpu(svc)
            started = time.perf_counter()
            for d in book["chapters"][0]["descriptions"]:
                c.post(f"/images/generate/async/{d['id']}").raise_for_status()
            last_submit = time.time()
            docs = wait_all(c, book["id"], jobs)
            wall = time.perf_counter() - started
            cpu = worker_cpu(svc) - cpu0
    finally:
        svc.stop()
    calls = sum(d["attempt_count"] for d in docs)
    # Jobs done in one call: claim → finished minus the call is the worker's own wall time.
    # (A job retried through the queue is claimed again, which resets its started_at.)
    own = [
        d["timings"]["generating_ms"] - d["attempts"][0]["duration_ms"]
        for d in docs
        if d["status"] == "completed" and d["attempt_count"] == 1
    ]
    times = sorted(d["timings"]["total_ms"] / 1000 for d in docs if d["status"] == "completed")
    after = sorted(
        datetime.fromisoformat(d["finished_at"]).timestamp() - last_submit
        for d in docs
        if d["status"] == "completed"
    )
    return {
        "calls": calls,
        "calls_per_image": calls / max(1, len(times)),
        "cpu_ms_per_call": cpu * 1000 / max(1, calls),
        "own_ms_per_call": statistics.mean(own) if own else 0.0,
        "wall": wall,
        "p50": times[len(times) // 2] if times else 0.0,
        "p95": times[int(0.95 * (len(times) - 1))] if times else 0.0,
        "after_p95": after[int(0.95 * (len(after) - 1))] if after else 0.0,
        "delivered": len(times) / jobs,
    }


def wait_all(c: httpx.Client, book_id: str, jobs: int) -> list[dict[str, Any]]:
    """Wait until every job of the book has ended; then every job document."""
    while True:
        time.sleep(0.5)
        active = sum(
            c.get(f"/images/book/{book_id}", params={"status": s, "limit": 1}).json()["total"]
            for s in ("queued", "generating")
        )
        if not active:
            break
    docs: list[dict[str, Any]] = []
    while len(docs) < jobs:
        page = c.get(f"/images/book/{book_id}", params={"limit": 100, "offset": len(docs)})
        docs.extend(page.json()["items"])
    return docs


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--jobs", type=int, default=200)
    p.add_argument("--failure-rate", type=float, default=0.5)
    p.add_argument("--compare", type=Path, help="another checkout to run side by side")
    a = p.parse_args()
    fake, url = start_fake(a.failure_rate)
    try:
        results = {"this checkout": run(url, a.jobs, None)}
        if a.compare:
            results[f"{a.compare}"] = run(url, a.jobs, str(a.compare.resolve() / "src"))
    finally:
        fake.terminate()
        fake.wait()
    print(f"\n{a.jobs} jobs, chain gemini,pollinations, fake at {a.failure_rate:.0%} failures, "
          "latency 0, 2 worker processes (vignette serve defaults)")  # fmt: skip
    names = list(results)
    print(f"{'':42}" + "".join(f"{n[-24:]:>26}" for n in names))
    for label, key, fmt in (
        ("provider calls", "calls", "{:.0f}"),
        ("calls per image", "calls_per_image", "{:.2f}"),
        ("worker CPU ms per call", "cpu_ms_per_call", "{:.1f}"),
        ("own wall ms, one-call jobs", "own_ms_per_call", "{:.1f}"),
        ("p50 submit → image, s", "p50", "{:.2f}"),
        ("p95 submit → image, s", "p95", "{:.2f}"),
        ("p95 completion after the last submit, s", "after_p95", "{:.2f}"),
        ("delivered", "delivered", "{:.1%}"),
        ("wall, s", "wall", "{:.1f}"),
    ):
        print(f"{label:42}" + "".join(f"{fmt.format(results[n][key]):>26}" for n in names))


if __name__ == "__main__":
    main()
