"""Benchmark: async submit latency and throughput against the stack's floor, and
submit-to-completed time with the procedural provider. Prints a table; asserts nothing.

    ./run bench                 # starts a temporary `vignette serve` (embedded mode)
    python bench/submit.py --clients 50 --seconds 8

Needs wrk (Debian: apt-get install wrk) as the load generator: a Python client would eat
the CPU the servers need on a small machine.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.backends import Backend  # noqa: E402
from tests.support.service import Service, free_port  # noqa: E402


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))] * 1000


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time used so far by these processes (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def run_wrk(
    base: str,
    paths: list[str],
    auth: str,
    clients: int,
    seconds: float,
    tmp: Path,
    server: list[int] = [],  # noqa: B006 (read only)
) -> dict[str, float]:
    """POST distinct paths with `clients` connections for `seconds`; wrk's figures, and the
    CPU the `server` processes spent per request."""
    threads = 1 if clients == 1 else 2
    cpu_before = cpu_seconds(server)
    listing = tmp / f"paths-{time.monotonic_ns()}.txt"
    listing.write_text("\n".join(paths) + "\n")
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
         "-s", str(ROOT / "bench" / "post_paths.lua"), base, "--", str(listing), auth,
         str(threads)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    cpu = cpu_seconds(server) - cpu_before
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    n, micros, p50, p95, p99, errors = line.split()[1:]
    if int(n) == 0:
        raise RuntimeError(f"wrk completed no request against {base} (is the server stuck?)")
    if int(n) > len(paths):
        print(f"warning: {n} requests for {len(paths)} paths; some were repeats")
    return {
        "rps": int(n) / (int(micros) / 1e6),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "errors": float(errors),
        "cpu_ms": cpu * 1000 / max(1, int(n)),
    }


def active_jobs(db: Path) -> int:
    """Queued or generating jobs in the service's SQLite database (reading never blocks)."""
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT count(*) FROM generated_images WHERE status IN ('queued', 'generating')"
        ).fetchone()
    return int(row[0])


def pause_worker(svc: Service, probes: list[str], auth: str) -> None:
    """SIGSTOP the worker while it holds no database lock: a worker stopped inside a write
    transaction would block every submit. Waits for the queue to drain, stops the worker,
    and checks that a submit still answers at once; otherwise resumes it and tries again."""
    for probe in probes:
        deadline = time.monotonic() + 120
        while active_jobs(svc.data_dir / "vignette.db") and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(svc.pid("worker"), signal.SIGSTOP)
        try:
            answer = httpx.post(svc.base_url + probe, headers={"Authorization": auth}, timeout=2)
            if answer.status_code == 202:
                return
        except httpx.TimeoutException:
            pass
        os.killpg(svc.pid("worker"), signal.SIGCONT)
    raise RuntimeError("could not pause the worker outside a database transaction")


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


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=8.0, help="length of the concurrent phase")
    p.add_argument("--single", type=int, default=2500, help="distinct descriptions, 1 client")
    p.add_argument("--concurrent", type=int, default=8000, help="distinct descriptions, N clients")
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
        auth = f"Bearer {svc.api_key}"
        with svc.client() as c:
            ids = make_book(c, a.completions + 50 + a.single + 2 * a.concurrent)
            done = completion_times(c, ids[: a.completions])
        ids = ids[a.completions :]
        v = [f"/api/v1/images/generate/async/{i}" for i in ids]
        f = [f"/submit/{i}" for i in ids]
        vurl, furl = svc.base_url, f"http://127.0.0.1:{floor_port}"
        run_wrk(vurl, v[:50], auth, 5, 0.5, tmp)  # warm-up, both stacks alike
        run_wrk(furl, f[:50], "Bearer floor-key", 5, 0.5, tmp)
        probes, v, f = v[50:53], v[53:], f[53:]
        one = (slice(0, a.single), slice(a.single, a.single + a.concurrent))
        results: list[tuple[str, dict[str, float]]] = []
        # API stack against API stack: Vignette's worker is paused so both get the same CPU.
        pause_worker(svc, probes, auth)
        try:
            for clients, part, secs in ((1, one[0], a.seconds / 2), (a.clients, one[1], a.seconds)):
                fl = run_wrk(furl, f[part], "Bearer floor-key", clients, secs, tmp, [floor.pid])
                results.append((f"floor, {clients} client(s)", fl))
                vg = run_wrk(vurl, v[part], auth, clients, secs, tmp, [svc.pid("api")])
                results.append((f"vignette, {clients} client(s)", vg))
        finally:
            os.killpg(svc.pid("worker"), signal.SIGCONT)
        # The same load while the worker renders the backlog just queued (niced in serve).
        rest = slice(a.single + a.concurrent, a.single + 2 * a.concurrent)
        busy = run_wrk(vurl, v[rest], auth, a.clients, a.seconds, tmp, [svc.pid("api")])
        results.append((f"vignette, {a.clients} cl., rendering", busy))
    finally:
        floor.terminate()
        floor.wait()
        svc.stop()

    print(f"\nasync submit (POST /images/generate/async), embedded mode, {os.cpu_count()} cores;")
    print("wrk load; the first four rows with Vignette's worker paused")
    print("(cpu ms/req: CPU time of the API process per request, from /proc)")
    print(f"{'':32} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8} {'errors':>7} "
          f"{'cpu ms/req':>10}")  # fmt: skip
    for name, r in results:
        print(f"{name:32} {r['p50']:8.2f} {r['p95']:8.2f} {r['p99']:8.2f} {r['rps']:8.0f} "
              f"{r['errors']:7.0f} {r['cpu_ms']:10.2f}")  # fmt: skip
    (_, f1), (_, v1), (_, fn), (_, vn) = results[:4]
    print("\nvignette / floor:")
    print(f"  1 client p50 ratio               {v1['p50'] / f1['p50']:.2f}")
    n = a.clients
    print(f"  {n} clients throughput ratio     {vn['rps'] / fn['rps']:.2f}  (target >= 0.80)")
    print(f"  {n} clients p99 ratio            {vn['p99'] / fn['p99']:.2f}  (target <= 1.50)")
    print(f"\nsubmit -> completed, procedural 1024x768 WebP, {len(done)} jobs one at a time:")
    p50, p95, worst = pct(done, 50), pct(done, 95), max(done) * 1000
    print(f"  p50 {p50:.0f} ms   p95 {p95:.0f} ms   max {worst:.0f} ms  (target p50 < 300 ms)")


if __name__ == "__main__":
    main()
