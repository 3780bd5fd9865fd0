"""Failure economics: jobs through Vignette's one retry layer against the fake provider server
at a 50 % failure rate, side by side with a re-creation of the replaced design (a retry loop of
5 inside a task that itself retries 3 times, no fallback). Prints a table; asserts nothing.

    python bench/failure_economics.py --jobs 1000 --latency-ms 0,300 [--pool threads]

Vignette runs with its own defaults (breakers, backoff) and the given number of worker
processes; the fake sends one cached picture per size (`--same-picture`), so it answers at once
and neither side waits on it. `--pool threads --workers 16` runs Vignette's worker as one
process with 16 threads instead (see the README on I/O-bound workers).
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.backends import Backend  # noqa: E402
from tests.support.service import Service, free_port  # noqa: E402

from vignette.fakes.wire import placeholder_png  # noqa: E402
from vignette.prompts.builder import build_prompt  # noqa: E402
from vignette.providers.base import ErrorCode, ImageRequest, ProviderError  # noqa: E402
from vignette.providers.gemini import GeminiProvider  # noqa: E402

KEY = "bench-key"
MARKER = "[fault:gemini:blocked]"  # a refused prompt: a permanent error


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def passages(n: int, permanent_every: int) -> list[str]:
    """Distinct passages; every `permanent_every`-th one carries the refusal marker."""
    out = []
    for i in range(n):
        text = f"Scene {i}: a grey tower stood above the sea in the rain."
        if permanent_every and i % permanent_every == 0:
            text = f"Scene {i}: a statue {MARKER} stood above the sea."
        out.append(text)
    return out


def run_vignette(
    fake_url: str, texts: list[str], workers: int, budget: int, pool: str
) -> dict[str, Any]:
    """Submit every passage as a job and wait for all of them."""
    tmp = Path(tempfile.mkdtemp(prefix="vignette-econ-"))
    svc = Service(
        tmp / "data",
        Backend("embedded"),
        provider_chain="gemini,pollinations",
        gemini_api_key=KEY,
        gemini_base_url=fake_url,
        pollinations_api_key=KEY,
        pollinations_base_url=fake_url,
        # The fake's stand-in picture, known by its digest as Pollinations' real one is.
        pollinations_placeholder_hashes=hashlib.sha256(placeholder_png()).hexdigest(),
        max_provider_calls=budget,
        worker_concurrency=workers,
        worker_pool=pool,
        provider_timeout_seconds=10,
    )
    svc.start()
    try:
        with svc.client() as c:
            chapter = {
                "title": "1",
                "text": " ".join(texts),
                "descriptions": [{"type": "location", "text": t} for t in texts],
            }
            book = c.post("/books", json={"title": "Econ", "chapters": [chapter]}).json()
            ids = [d["id"] for d in book["chapters"][0]["descriptions"]]
            started = time.time()
            # A burst, as the replaced design's jobs all start at once: 16 clients submitting.
            with ThreadPoolExecutor(16) as submitters:
                tasks = list(submitters.map(
                    lambda d: c.post(f"/images/generate/async/{d}").json()["task_id"], ids
                ))  # fmt: skip
            while any(  # counted on the server: polling every task would load it more
                c.get(f"/images/book/{book['id']}", params={"status": s, "limit": 1}).json()[
                    "total"
                ]
                for s in ("queued", "generating")
            ):
                time.sleep(0.2)
            docs: dict[str, dict[str, Any]] = {}
            while len(docs) < len(tasks):
                page = c.get(
                    f"/images/book/{book['id']}", params={"limit": 100, "offset": len(docs)}
                ).json()
                docs.update((d["task_id"], d) for d in page["items"])
    finally:
        svc.stop()
    # From the first submit to the last job's end, by the jobs' own clocks.
    ends = [d["finished_at"] for d in docs.values() if d["finished_at"]]
    wall = max(datetime.fromisoformat(end).timestamp() for end in ends)
    wall -= started
    ordered = [docs[t] for t in tasks]
    return summarise_vignette(ordered, texts, wall)


def summarise_vignette(docs: list[dict[str, Any]], texts: list[str], wall: float) -> dict[str, Any]:
    """Delivered share, calls per image, latency and calls after a permanent error."""
    normal = [d for d, t in zip(docs, texts, strict=True) if MARKER not in t]
    refused = [d for d, t in zip(docs, texts, strict=True) if MARKER in t]
    delivered = [d for d in normal if d["status"] == "completed"]
    calls = sum(d["attempt_count"] for d in normal)
    after_permanent = 0
    for d in refused:
        codes = [a["error_code"] for a in d["attempts"]]
        if ErrorCode.CONTENT_POLICY in codes:
            after_permanent += len(codes) - 1 - codes.index(ErrorCode.CONTENT_POLICY)
    times = [d["timings"]["total_ms"] / 1000 for d in delivered]
    return {
        "delivered": len(delivered) / len(normal),
        "calls_per_image": calls / max(1, len(delivered)),
        "p50": pct(times, 50),
        "p95": pct(times, 95),
        "after_permanent": after_permanent,
        "wall": wall,
    }


def run_replaced(fake_url: str, texts: list[str], workers: int) -> dict[str, Any]:
    """The replaced design: 5 tries inside a task, the task retried 3 times, one provider."""
    provider = GeminiProvider(KEY, fake_url, timeout=10)

    started = time.perf_counter()  # every job is "submitted" at once, as in Vignette's run

    def one(text: str) -> tuple[bool, int, int, float]:
        start = started
        request = ImageRequest(prompt=build_prompt(text, "location", ""), seed=1)
        calls, after_permanent, refused = 0, 0, False
        for _task_try in range(1 + 3):
            for _loop_try in range(5):
                calls += 1
                if refused:
                    after_permanent += 1
                try:
                    provider.generate(request)
                    return True, calls, after_permanent, time.perf_counter() - start
                except ProviderError as exc:  # it retried every exception alike
                    refused = refused or exc.code == ErrorCode.CONTENT_POLICY
        return False, calls, after_permanent, time.perf_counter() - start

    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(one, texts))
    wall = time.perf_counter() - started
    normal = [r for r, t in zip(results, texts, strict=True) if MARKER not in t]
    refused = [r for r, t in zip(results, texts, strict=True) if MARKER in t]
    delivered = [r for r in normal if r[0]]
    times = [r[3] for r in delivered]
    return {
        "delivered": len(delivered) / len(normal),
        "calls_per_image": sum(r[1] for r in normal) / max(1, len(delivered)),
        "p50": pct(times, 50),
        "p95": pct(times, 95),
        "after_permanent": sum(r[2] for r in refused),
        "wall": wall,
    }


def start_fake(failure_rate: float, latency_ms: float) -> tuple[subprocess.Popen[bytes], str]:
    """The fake provider server in its own process, answering at once (one cached picture)."""
    port = free_port()
    fake = subprocess.Popen(
        [sys.executable, "-m", "vignette", "fake-providers", "--port", str(port),
         "--failure-rate", str(failure_rate), "--latency-ms", str(latency_ms), "--seed", "7",
         "--same-picture"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(f"{url}/_fake/calls")
            break
        except httpx.HTTPError:
            time.sleep(0.1)
    return fake, url


def compare(a: argparse.Namespace, latency_ms: float) -> None:
    """Both designs against one fake with this latency; print the table."""
    fake, url = start_fake(a.failure_rate, latency_ms)
    texts = passages(a.jobs, a.permanent_every)
    try:
        ours = run_vignette(url, texts, a.workers, a.budget, a.pool)
        ours["server_calls"] = httpx.get(f"{url}/_fake/calls").json()["total"]
        httpx.post(f"{url}/_fake/reset")
        theirs = run_replaced(url, texts, a.replaced_workers or a.workers)
        theirs["server_calls"] = httpx.get(f"{url}/_fake/calls").json()["total"]
    finally:
        fake.terminate()
        fake.wait()
    refused = sum(MARKER in t for t in texts)
    print(
        f"\n{a.jobs} jobs ({refused} with a refused prompt), fake server at "
        f"{a.failure_rate:.0%} mixed transient faults, {latency_ms:.0f} ms latency"
    )
    print(f"{'':34} {'Vignette':>14} {'replaced design':>16} {'ratio':>7}")
    slots = f"{a.workers} {'processes' if a.pool == 'prefork' else 'threads'}"
    print(f"{'chain':34} {'gemini→pollin.':>14} {'gemini only':>16}")
    print(f"{'workers':34} {slots:>14} {f'{a.replaced_workers or a.workers} threads':>16}")
    rows = [
        ("delivered (jobs not refused)", "delivered", "{:.1%}"),
        ("provider calls per delivered image", "calls_per_image", "{:.2f}"),
        ("p50 submit→image, s", "p50", "{:.2f}"),
        ("p95 submit→image, s", "p95", "{:.2f}"),
        ("calls after a permanent error", "after_permanent", "{:d}"),
        ("calls the server received", "server_calls", "{:d}"),
        ("wall time, s", "wall", "{:.1f}"),
    ]
    for label, key, fmt in rows:
        ratio = ours[key] / theirs[key] if key in ("p50", "p95", "wall") and theirs[key] else None
        shown = f"{ratio:7.2f}" if ratio is not None else ""
        print(f"{label:34} {fmt.format(ours[key]):>14} {fmt.format(theirs[key]):>16} {shown}")
    print(
        f"(Vignette: call budget {a.budget} per job; targets >= 99.9 % delivered, <= 2.1 calls "
        "per image, 0 calls after a permanent error, p50 and p95 <= 0.5 and wall <= 0.7 of "
        "the replaced design's)"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--jobs", type=int, default=1000)
    p.add_argument("--workers", type=int, default=4, help="Vignette's worker slots")
    p.add_argument("--pool", default="prefork", choices=["prefork", "threads"])
    p.add_argument("--replaced-workers", type=int, default=0, help="default: --workers")
    p.add_argument("--failure-rate", type=float, default=0.5)
    p.add_argument("--latency-ms", default="0,300", help="comma-separated; one table each")
    p.add_argument("--budget", type=int, default=12, help="VIGNETTE_MAX_PROVIDER_CALLS")
    p.add_argument("--permanent-every", type=int, default=50, help="every Nth prompt is refused")
    a = p.parse_args()
    for latency in a.latency_ms.split(","):
        compare(a, float(latency))


if __name__ == "__main__":
    main()
