"""Benchmark: async submit latency and throughput against the stack's floor, and
submit-to-completed time with the procedural provider. Prints a table; asserts nothing.

    ./run bench                 # starts a temporary `vignette serve` (embedded mode)
    python bench/submit.py --clients 50 --seconds 8
    VIGNETTE_API_PROCESSES=2 ./run bench   # the API in two processes, beside a floor in two

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
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.backends import Backend  # noqa: E402
from tests.support.service import Service, free_port, process_tree  # noqa: E402

from vignette.paths import API_PREFIX  # noqa: E402
from vignette.settings import Settings  # noqa: E402


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))] * 1000


def cpu_seconds(processes: list[psutil.Process]) -> float:
    """User + system CPU time used so far by these processes."""
    return float(sum(p.cpu_times().user + p.cpu_times().system for p in processes))


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
    CPU the `server` processes (and their children) spent per request."""
    threads = 1 if clients == 1 else 2
    tree = [p for pid in server for p in process_tree(pid)]
    cpu_before = cpu_seconds(tree)
    listing = tmp / f"paths-{time.monotonic_ns()}.txt"
    listing.write_text("\n".join(paths) + "\n")
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
         "-s", str(ROOT / "bench" / "post_paths.lua"), base, "--", str(listing), auth,
         str(threads)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    cpu = cpu_seconds(tree) - cpu_before
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


class Floor:
    """bench/floor_app.py behind one port, with `workers` processes, on the service's Redis."""

    def __init__(self, tmp: Path, sock: Path, workers: int) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "floor_app.py"), "--port", str(port),
             "--db", str(tmp / f"floor-{workers}.db"), "--broker", f"redis+socket://{sock}",
             "--key", "floor-key", "--workers", str(workers)],
        )  # fmt: skip
        for _ in range(200):
            try:
                httpx.post(f"{self.url}/submit/x", headers={"Authorization": "Bearer floor-key"})
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the floor app did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait()


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
    sock = svc.data_dir / "run" / "redis.sock"
    processes = Settings().api_processes  # what `vignette serve` runs, from the same env
    floors = [Floor(tmp, sock, 1)]
    if processes > 1:
        floors.append(Floor(tmp, sock, processes))
    key = "Bearer floor-key"
    try:
        auth = f"Bearer {svc.api_key}"
        with svc.client() as c:
            ids = make_book(c, a.completions + 50 + a.single + 3 * a.concurrent)
            done = completion_times(c, ids[: a.completions])
        ids = ids[a.completions :]
        v = [f"{API_PREFIX}/images/generate/async/{i}" for i in ids]
        f = [f"/submit/{i}" for i in ids]
        vurl = svc.base_url
        run_wrk(vurl, v[:50], auth, 5, 0.5, tmp)  # warm-up, every stack alike
        for floor in floors:
            run_wrk(floor.url, f[:50], key, 5, 0.5, tmp)
        probes, v, f = v[50:53], v[53:], f[53:]
        one = slice(0, a.single)
        many = [slice(a.single + k * a.concurrent, a.single + (k + 1) * a.concurrent)
                for k in range(3)]  # fmt: skip
        api = [svc.pid("api")]
        results: list[tuple[str, dict[str, float]]] = []
        # API stack against API stack: Vignette's worker is paused so both get the same CPU.
        pause_worker(svc, probes, auth)
        try:
            first = floors[0]
            for clients, part, secs in ((1, one, a.seconds / 2), (a.clients, many[0], a.seconds)):
                fl = run_wrk(first.url, f[part], key, clients, secs, tmp, [first.proc.pid])
                results.append((f"floor, 1 process, {clients} cl.", fl))
                vg = run_wrk(vurl, v[part], auth, clients, secs, tmp, api)
                results.append((f"vignette, {processes} proc., {clients} cl.", vg))
            for floor in floors[1:]:
                pids = [floor.proc.pid]
                fl = run_wrk(floor.url, f[many[1]], key, a.clients, a.seconds, tmp, pids)
                results.append((f"floor, {processes} processes, {a.clients} cl.", fl))
        finally:
            os.killpg(svc.pid("worker"), signal.SIGCONT)
        # The same load while the worker renders the backlog just queued (niced in serve).
        busy = run_wrk(vurl, v[many[2]], auth, a.clients, a.seconds, tmp, api)
        results.append((f"vignette, {a.clients} cl., rendering", busy))
    finally:
        for floor in floors:
            floor.stop()
        svc.stop()

    print(f"\nasync submit (POST /images/generate/async), embedded mode, {os.cpu_count()} cores,")
    print(f"Vignette's API in {processes} process(es) (VIGNETTE_API_PROCESSES); wrk load;")
    print("every row but the last with Vignette's worker paused")
    print("(cpu ms/req: CPU time of the server's processes, children included, per request)")
    print(f"{'':32} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8} {'errors':>7} "
          f"{'cpu ms/req':>10}")  # fmt: skip
    for name, r in results:
        print(f"{name:32} {r['p50']:8.2f} {r['p95']:8.2f} {r['p99']:8.2f} {r['rps']:8.0f} "
              f"{r['errors']:7.0f} {r['cpu_ms']:10.2f}")  # fmt: skip
    (_, f1), (_, v1), (_, fn), (_, vn) = results[:4]
    n = a.clients
    print("\nvignette / floor (the floor in one process, as the issue sets it):")
    print(f"  1 client p50 ratio               {v1['p50'] / f1['p50']:.2f}  (and p50 < 5 ms)")
    print(f"  {n} clients throughput ratio     {vn['rps'] / fn['rps']:.2f}  (target >= 0.80)")
    print(f"  {n} clients p99 ratio            {vn['p99'] / fn['p99']:.2f}  (target <= 1.50)")
    print(f"  CPU per request, floor / vignette {fn['cpu_ms'] / vn['cpu_ms']:.2f}")
    if processes > 1:
        (_, fp) = results[4]
        print(f"vignette / floor in {processes} processes each:")
        print(f"  {n} clients throughput ratio     {vn['rps'] / fp['rps']:.2f}")
        print(f"  {n} clients p99 ratio            {vn['p99'] / fp['p99']:.2f}")
    print(f"\nsubmit -> completed, procedural 1024x768 WebP, {len(done)} jobs one at a time:")
    p50, p95, worst = pct(done, 50), pct(done, 95), max(done) * 1000
    print(f"  p50 {p50:.0f} ms   p95 {p95:.0f} ms   max {worst:.0f} ms  (target p50 < 300 ms)")


if __name__ == "__main__":
    main()
