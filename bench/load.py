"""Open-model load: requests at a fixed arrival rate, whatever the server answers, on
submissions and on status reads, against `vignette serve` (embedded) and a distributed
deployment (two `vignette api` processes on PostgreSQL, a Redis server, a worker and beat),
side by side in one run. Prints a table per step and the highest rate with p99 < 100 ms and
0 errors for each workload and mode; asserts nothing.

    python bench/load.py                       # both modes, every workload, 10 s steps
    python bench/load.py --quick               # a few seconds per step (smoke test)
    python bench/load.py --modes distributed --workloads submit --rates 100,200,300

The generator (one asyncio loop on uvloop, a small HTTP/1.1 keep-alive client) schedules
request i at start + i / R and measures latency from that scheduled time, so a slow answer
delays no later request and a stall shows in the latency instead of being left out
(coordinated omission). At most --outstanding requests are in flight; a request due while
the bound is reached is not sent and counts as an error (overload), as does a timeout or an
unexpected status. A ramp goes up the rates and stops after the first failing step (unless
--all-steps). The `healthz` workload (GET /healthz: no database, no Redis) is the floor of
the HTTP stack and of the generator, and each row shows the generator's own CPU per request.

Submissions each take a description that has no job yet (books are added between steps, one
per user in turn), so no request takes the reuse path; status reads go round the completed
jobs of every user. The provider is the procedural renderer (offline); the worker renders at
nice 5 as under `vignette serve`, so the API gets the CPU first. Workloads run healthz,
status, submit in that order in each mode, so the submissions' backlog does not sit under
the status reads.

Distributed mode makes a fresh PostgreSQL database (dropped at the end) and takes an empty
Redis db number (flushed at the end, only that one), and splits the load evenly over the two
API ports. Every process started here is stopped by its process group, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import redis
import uvloop

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.backends import Backend  # noqa: E402
from tests.support.service import Service, free_port, process_tree  # noqa: E402

from submit import cpu_seconds, make_book, pct  # noqa: E402
from vignette.db.session import Database  # noqa: E402
from vignette.embedded.process import child_preexec, stop_group  # noqa: E402
from vignette.paths import API_PREFIX  # noqa: E402
from vignette.users.service import create_user  # noqa: E402

P99_LIMIT_MS = 100.0
IDLE_SECONDS = 3.0  # uvicorn closes a keep-alive connection idle for 5 s; reuse younger ones
WORKLOADS = ("healthz", "status", "submit")
MODES = ("embedded", "distributed")


@dataclass(frozen=True)
class Preset:
    rates: str
    floor: str
    seconds: float
    users: int
    tasks: int


FULL = Preset("25,50,100,200,300,400,600,800,1200", "100,200,400,800,1600,3200", 10.0, 20, 400)
QUICK = Preset("25,50,100,200,400", "200,800,1600", 3.0, 5, 100)


# ---------------------------------------------------------------- the generator


class Stale(Exception):
    """A reused connection that the server had closed: send again on a new one."""


class Endpoint:
    """HTTP/1.1 keep-alive connections to one host:port; the newest idle one is reused."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []

    def request(self, method: str, path: str, key: str | None) -> bytes:
        auth = f"Authorization: Bearer {key}\r\n" if key else ""
        body = "Content-Length: 0\r\n" if method == "POST" else ""
        return f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n{auth}{body}\r\n".encode()

    async def send(self, raw: bytes) -> int:
        """Send one request, read its whole answer; its status code."""
        now = asyncio.get_running_loop().time()
        while self.idle:
            reader, writer, since = self.idle.pop()
            if reader.at_eof() or now - since > IDLE_SECONDS:
                writer.close()
                continue
            with contextlib.suppress(Stale):
                return await self._exchange(reader, writer, raw, reused=True)
        reader, writer = await asyncio.open_connection(self.host, self.port)
        return await self._exchange(reader, writer, raw, reused=False)

    async def _exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes, reused: bool
    ) -> int:
        try:
            writer.write(raw)
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                if reused and not getattr(exc, "partial", b""):
                    raise Stale from None  # closed while idle: nothing of an answer came
                raise
            status, length, chunked, close = parse_head(head)
            if chunked:
                await read_chunks(reader)
            elif length:
                await reader.readexactly(length)
        except BaseException:
            writer.close()
            raise
        if close:
            writer.close()
        else:
            self.idle.append((reader, writer, asyncio.get_running_loop().time()))
        return status

    def close(self) -> None:
        for _, writer, _ in self.idle:
            writer.close()
        self.idle.clear()


def parse_head(head: bytes) -> tuple[int, int, bool, bool]:
    """Status, Content-Length, chunked?, connection close? of a response head."""
    lines = head.split(b"\r\n")
    status, length, chunked, close = int(lines[0][9:12]), 0, False, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            close = b"close" in value.lower()
    return status, length, chunked, close


async def read_chunks(reader: asyncio.StreamReader) -> None:
    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
        await reader.readexactly(size + 2)
    while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, then the empty line
        pass


# One request of a plan: where, the bytes, the status that counts as success.
Request = tuple[Endpoint, bytes, int]


@dataclass
class Step:
    rate: float
    seconds: float
    scheduled: int = 0
    ok: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    generator_cpu: float = 0.0
    api_cpu: float = 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def passed(self) -> bool:
        ok = self.error_count == 0 and bool(self.latencies)
        return ok and pct(self.latencies, 99) < P99_LIMIT_MS


async def run_step(
    plan: Callable[[], Request], rate: float, seconds: float, bound: int, timeout: float,
    api: Callable[[], float],
) -> Step:  # fmt: skip
    """Send round(rate * seconds) requests at fixed intervals; wait for the last answers.

    Times come from perf_counter: uvloop's loop.time() has millisecond steps and is read once
    per loop iteration. A request the loop sends late is late in its latency too."""
    loop, clock = asyncio.get_running_loop(), time.perf_counter
    step = Step(rate, seconds, scheduled=max(1, round(rate * seconds)))
    pending: set[asyncio.Task[None]] = set()
    inflight = 0

    async def one(due: float, endpoint: Endpoint, raw: bytes, expect: int) -> None:
        nonlocal inflight
        try:
            async with asyncio.timeout(due + timeout - clock()):
                status = await endpoint.send(raw)
        except TimeoutError:
            step.errors["timeout"] += 1
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            step.errors["connection"] += 1
        else:
            step.latencies.append(clock() - due)
            if status == expect:
                step.ok += 1
            else:
                step.errors[f"HTTP {status}"] += 1
        finally:
            inflight -= 1

    cpu, api_before = time.process_time(), api()
    start = clock() + 0.005
    for i in range(step.scheduled):
        due = start + i / rate
        wait = due - clock()
        if wait > 0:
            await asyncio.sleep(wait)
        if inflight >= bound:
            step.errors["overload"] += 1
            continue
        endpoint, raw, expect = plan()
        inflight += 1
        # Latency counts from the scheduled time, or from the send if the timer woke early.
        task = loop.create_task(one(min(due, clock()), endpoint, raw, expect))
        pending.add(task)
        task.add_done_callback(pending.discard)
    if pending:
        await asyncio.wait(pending)
    step.elapsed = clock() - start
    step.generator_cpu = time.process_time() - cpu
    step.api_cpu = api() - api_before
    return step


# ---------------------------------------------------------------- the deployments


@dataclass
class Deployment:
    """A running service: its API ports, database, and how to stop it."""

    mode: str
    ports: list[int]
    database_url: str
    api_pids: Callable[[], list[int]]
    stop: Callable[[], object]
    note: str

    def api_cpu(self) -> float:
        return cpu_seconds([p for pid in self.api_pids() for p in process_tree(pid)])


def wait_ready(ports: list[int], what: str, timeout: float = 90.0) -> None:
    """Until every port answers /healthz and the first one /readyz (a worker on each queue)."""
    deadline = time.monotonic() + timeout
    paths = [(port, "/healthz") for port in ports] + [(ports[0], "/readyz")]
    for port, path in paths:
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}{path}", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what}: {path} on port {port} not ready in {timeout:.0f} s")
            time.sleep(0.2)


def start_embedded(tmp: Path) -> Deployment:
    svc = Service(tmp / "embedded", Backend("embedded"))
    svc.start()
    try:
        wait_ready([svc.port], "vignette serve")
    except BaseException:
        svc.stop()
        raise
    url = f"sqlite:///{(svc.data_dir / 'vignette.db').resolve()}"
    pids = svc.api_servers()
    return Deployment("embedded", [svc.port], url, lambda: pids, svc.stop,
                      "vignette serve: SQLite + embedded Redis, 1 API process, worker "
                      "2 slots at nice 5, beat")  # fmt: skip


def spawn(
    argv: list[str], env: dict[str, str], log: Path, niceness: int = 0
) -> subprocess.Popen[bytes]:
    """A child in its own process group (dying with this process), its output to `log`."""

    def preexec() -> None:
        child_preexec()
        if niceness:
            os.nice(niceness)

    with open(log, "ab") as out:
        return subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT,
                                preexec_fn=preexec)  # fmt: skip


def empty_redis_db(base: str, wanted: int | None) -> int:
    """An empty Redis db number (from 15 down, test backends take the low ones first)."""
    for number in [wanted] if wanted is not None else range(15, 0, -1):
        client = redis.Redis.from_url(f"{base}/{number}")
        try:
            if wanted is not None or client.dbsize() == 0:
                return number
        finally:
            client.close()
    raise RuntimeError(f"no empty Redis db on {base}; pass --redis-db")


def start_distributed(
    tmp: Path, postgres: str, redis_base: str, redis_db: int | None
) -> Deployment:
    admin = postgres.replace("postgresql+psycopg://", "postgresql://")
    dbname = f"vignette_load_{uuid.uuid4().hex[:10]}"
    number = empty_redis_db(redis_base, redis_db)
    redis_url = f"{redis_base}/{number}"
    database_url = postgres.rsplit("/", 1)[0] + f"/{dbname}"
    data = tmp / "distributed"
    (data / "logs").mkdir(parents=True)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGNETTE_")}
    env.update(VIGNETTE_DATABASE_URL=database_url, VIGNETTE_REDIS_URL=redis_url,
               VIGNETTE_DATA_DIR=str(data), PYTHONUNBUFFERED="1")  # fmt: skip
    procs: list[subprocess.Popen[bytes]] = []
    apis: list[subprocess.Popen[bytes]] = []

    def stop() -> None:
        for proc in reversed(procs):  # the APIs first, then beat, then the worker
            stop_group(proc, timeout=20)
        client = redis.Redis.from_url(redis_url)
        client.flushdb()
        client.close()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')

    py = [sys.executable, "-m", "vignette"]
    ports = [free_port()]
    while len(ports) < 2:
        ports = list({*ports, free_port()})
    try:
        migrated = subprocess.run([*py, "migrate"], env=env, capture_output=True, text=True)
        if migrated.returncode:
            raise RuntimeError(f"vignette migrate failed:\n{migrated.stderr}")
        procs.append(spawn([*py, "worker", "--queues", "heavy,normal,light", "--concurrency",
                            "2"], env, data / "logs" / "worker.log", niceness=5))  # fmt: skip
        procs.append(spawn([*py, "beat"], env, data / "logs" / "beat.log"))
        for port in ports:
            apis.append(spawn([*py, "api", "--port", str(port), "--workers", "1"], env,
                              data / "logs" / f"api-{port}.log"))  # fmt: skip
        procs.extend(apis)
        wait_ready(ports, "distributed mode")
    except BaseException:
        stop()
        raise
    note = (f"2 x vignette api on PostgreSQL ({dbname}), Redis db {number}, worker 2 slots at "
            "nice 5, beat; load split over the two ports")  # fmt: skip
    return Deployment("distributed", ports, database_url, lambda: [p.pid for p in apis], stop,
                      note)  # fmt: skip


# ---------------------------------------------------------------- the data


def make_users(database_url: str, n: int) -> list[str]:
    """n new users straight in the database; their API keys."""
    db = Database(database_url)
    try:
        with db.write() as session:
            tag = uuid.uuid4().hex[:8]
            return [create_user(session, f"load-{tag}-{i}@bench.example")[1] for i in range(n)]
    finally:
        db.dispose()


class Descriptions:
    """Descriptions without a job, made book by book, taken one user after another."""

    def __init__(self, base_url: str, keys: list[str]) -> None:
        self.clients = [
            httpx.Client(base_url=f"{base_url}{API_PREFIX}",
                         headers={"Authorization": f"Bearer {k}"}, timeout=120)
            for k in keys
        ]  # fmt: skip
        self.keys = keys
        self.fresh: collections.deque[tuple[int, str]] = collections.deque()

    def ensure(self, n: int) -> None:
        """At least n unused descriptions, spread evenly over the users."""
        missing = n - len(self.fresh)
        if missing <= 0:
            return
        per_user = -(-missing // len(self.keys))
        made = [make_book(c, per_user) for c in self.clients]
        for i in range(per_user):
            self.fresh.extend((u, ids[i]) for u, ids in enumerate(made))

    def take(self) -> tuple[int, str]:
        """(user index, description id) of a description nobody submitted yet."""
        return self.fresh.popleft()

    def completed_tasks(self, n: int) -> list[tuple[str, str]]:
        """Submit n jobs and wait until all are completed; (key, task id) of each."""
        self.ensure(n)
        tasks = []
        for _ in range(n):
            user, description = self.take()
            answer = self.clients[user].post(f"/images/generate/async/{description}")
            answer.raise_for_status()
            tasks.append((user, answer.json()["task_id"]))
        deadline = time.monotonic() + 300
        for user, task in tasks:
            while (doc := self.clients[user].get(f"/images/task/{task}").json())[
                "status"
            ] != "completed":
                if doc["status"] in ("failed", "cancelled") or time.monotonic() > deadline:
                    raise RuntimeError(f"task {task} ended {doc['status']}")
                time.sleep(0.05)
        return [(self.keys[user], task) for user, task in tasks]

    def close(self) -> None:
        for c in self.clients:
            c.close()


Plan = tuple[Callable[[], Request], Callable[[int], None]]


def plans(endpoints: list[Endpoint], data: Descriptions, tasks: int) -> dict[str, Plan]:
    """Per workload: a function giving the next request, and one to call before a step of n."""
    count = iter(range(sys.maxsize))

    def where() -> Endpoint:
        return endpoints[next(count) % len(endpoints)]

    def healthz() -> Request:
        e = where()
        return e, e.request("GET", "/healthz", None), 200

    def submit() -> Request:
        e = where()
        user, description = data.take()
        path = f"{API_PREFIX}/images/generate/async/{description}"
        return e, e.request("POST", path, data.keys[user]), 202

    status_tasks: list[tuple[str, str]] = []
    rounds: Iterator[tuple[str, str]] = iter(())

    def prepare_status(_: int) -> None:
        nonlocal rounds
        if not status_tasks:
            status_tasks.extend(data.completed_tasks(tasks))
            rounds = (status_tasks[i % len(status_tasks)] for i in range(sys.maxsize))

    def status() -> Request:
        e = where()
        key, task = next(rounds)
        return e, e.request("GET", f"{API_PREFIX}/images/task/{task}", key), 200

    return {
        "healthz": (healthz, lambda n: None),
        "status": (status, prepare_status),
        "submit": (submit, lambda n: data.ensure(n + 10)),
    }


# ---------------------------------------------------------------- the run


def ms(values: list[float], q: float) -> str:
    return f"{pct(values, q):.1f}" if values else "-"


def row(mode: str, workload: str, s: Step) -> str:
    errors = ", ".join(f"{k} {v}" for k, v in sorted(s.errors.items())) or "0"
    sent = max(1, s.scheduled - s.errors["overload"])
    worst = f"{max(s.latencies) * 1000:.1f}" if s.latencies else "-"
    mark = "ok" if s.passed else "FAIL"
    return (f"{mode:12} {workload:8} {s.scheduled / s.seconds:8.0f} {s.ok / s.elapsed:9.1f} "
            f"{ms(s.latencies, 50):>8} {ms(s.latencies, 99):>8} {worst:>8} "
            f"{s.generator_cpu / sent * 1e6:8.0f} {s.api_cpu / sent * 1e3:8.2f}  {mark:4} "
            f"{errors}")  # fmt: skip


HEADER = (f"{'mode':12} {'workload':8} {'offered':>8} {'achieved':>9} {'p50 ms':>8} "
          f"{'p99 ms':>8} {'max ms':>8} {'gen µs':>8} {'API ms':>8}  pass errors")  # fmt: skip


def best(steps: list[Step], rates: list[float]) -> str:
    """The highest rate below the first failing step."""
    passed = []
    for s in steps:
        if not s.passed:
            break
        passed.append(s.rate)
    if not passed:
        return f"< {rates[0]:g}/s"
    if len(passed) == len(rates):
        return f">= {passed[-1]:g}/s (every step passed)"
    return f"{passed[-1]:g}/s"


class Wedged(Exception):
    """The API did not answer a database read again after a failing step."""


def wait_answering(ports: list[int], key: str, limit: float) -> float | None:
    """Seconds until every API port answers a database read within 2 s again (None: never)."""
    start = time.monotonic()
    for port in ports:
        url = f"http://127.0.0.1:{port}{API_PREFIX}/books?limit=1"
        while True:
            with contextlib.suppress(httpx.HTTPError):
                headers = {"Authorization": f"Bearer {key}"}
                if httpx.get(url, headers=headers, timeout=2).status_code == 200:
                    break
            if time.monotonic() - start > limit:
                return None
            time.sleep(0.5)
    return time.monotonic() - start


async def ramp(
    mode: str, workload: str, plan: Plan, rates: list[float], a: argparse.Namespace,
    dep: Deployment, key: str,
) -> list[Step]:  # fmt: skip
    """Up the rates until a step fails; then wait until the API answers again."""
    send, prepare = plan
    prepare(round(rates[0]))
    await run_step(send, rates[0], 1.0, a.outstanding, a.timeout, dep.api_cpu)  # warm-up
    steps: list[Step] = []
    for rate in rates:
        prepare(round(rate * a.step_seconds))
        await asyncio.sleep(a.pause)
        steps.append(
            await run_step(send, rate, a.step_seconds, a.outstanding, a.timeout, dep.api_cpu)
        )
        print(row(mode, workload, steps[-1]), flush=True)
        if not steps[-1].passed and not a.all_steps:
            break
    if not steps[-1].passed:
        took = wait_answering(dep.ports, key, a.recover_seconds)
        if took is None:
            print(f"{'':22}the API answered no database read within {a.recover_seconds:g} s "
                  "after this step: the rest of this mode is skipped", flush=True)  # fmt: skip
            raise Wedged
        print(f"{'':22}(the API answered a database read again {took:.1f} s after it)", flush=True)
    return steps


def run_mode(dep: Deployment, a: argparse.Namespace, results: dict[tuple[str, str], str]) -> None:
    print(f"\n{dep.mode}: {dep.note}", flush=True)
    keys = make_users(dep.database_url, a.users)
    data = Descriptions(f"http://127.0.0.1:{dep.ports[0]}", keys)
    endpoints = [Endpoint("127.0.0.1", port) for port in dep.ports]

    async def go() -> None:
        table = plans(endpoints, data, a.tasks)
        for workload in [w for w in WORKLOADS if w in a.workloads]:
            rates = a.floor_rates if workload == "healthz" else a.rates
            try:
                steps = await ramp(dep.mode, workload, table[workload], rates, a, dep, keys[0])
            except Wedged:
                results[workload, dep.mode] = "(API stuck)"
                return
            results[workload, dep.mode] = best(steps, rates)
            if workload == "healthz":
                top = ([s for s in steps if s.passed] or steps[:1])[-1]
                per = top.generator_cpu / max(1, top.scheduled - top.errors["overload"])
                results["gen", dep.mode] = (f"{per * 1e6:.0f} µs/req at {top.rate:g}/s "
                                            f"(~{1 / per:.0f}/s a core)")  # fmt: skip

    print(HEADER, flush=True)
    try:
        uvloop.run(go())
    finally:
        for e in endpoints:
            e.close()
        data.close()


def rate_list(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x.strip()]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--quick", action="store_true", help="short steps, few rates (smoke test)")
    p.add_argument("--modes", default=",".join(MODES))
    p.add_argument("--workloads", default=",".join(WORKLOADS), help="healthz, status, submit")
    p.add_argument("--rates", help=f"requests/s, ascending (default {FULL.rates})")
    p.add_argument("--floor-rates", help=f"for healthz (default {FULL.floor})")
    p.add_argument("--step-seconds", type=float, help=f"default {FULL.seconds:g}")
    p.add_argument("--users", type=int, help="users whose requests interleave (default 20)")
    p.add_argument("--tasks", type=int, help="completed jobs the status reads go round (400)")
    p.add_argument("--outstanding", type=int, default=256, help="bound on requests in flight")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds from the scheduled send")
    p.add_argument("--pause", type=float, default=1.0, help="seconds between steps")
    p.add_argument("--all-steps", action="store_true", help="do not stop at the first failure")
    p.add_argument("--recover-seconds", type=float, default=180.0,
                   help="after a failing step, wait this long for the API")  # fmt: skip
    p.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                   help="a PostgreSQL URL whose user may create databases")  # fmt: skip
    p.add_argument("--redis", default="redis://127.0.0.1:6379", help="Redis server, no db")
    p.add_argument("--redis-db", type=int, help="db number (default: the highest empty one)")
    a = p.parse_args()
    preset = QUICK if a.quick else FULL
    a.rates = rate_list(a.rates or preset.rates)
    a.floor_rates = rate_list(a.floor_rates or preset.floor)
    a.step_seconds = a.step_seconds or preset.seconds
    a.users = a.users or preset.users
    a.tasks = a.tasks or preset.tasks
    a.workloads = [w.strip() for w in a.workloads.split(",")]
    modes = [m.strip() for m in a.modes.split(",")]
    if set(a.workloads) - set(WORKLOADS) or set(modes) - set(MODES):
        p.error(f"workloads among {', '.join(WORKLOADS)}, modes among {', '.join(MODES)}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks

    tmp = Path(tempfile.mkdtemp(prefix="vignette-load-"))
    print(f"open-model load, {os.cpu_count()} cores, steps of {a.step_seconds:g} s, at most "
          f"{a.outstanding} in flight, timeout {a.timeout:g} s; provider: procedural "
          f"(default, offline); logs in {tmp}")  # fmt: skip
    print("offered/achieved: requests/s; latency from the scheduled send; gen µs: the "
          "generator's CPU per request; API ms: the API processes' CPU per request")  # fmt: skip
    results: dict[tuple[str, str], str] = {}
    for mode in modes:
        if mode == "embedded":
            dep = start_embedded(tmp)
        else:
            dep = start_distributed(tmp, a.postgres, a.redis, a.redis_db)
        try:
            run_mode(dep, a, results)
        finally:
            dep.stop()

    print(f"\nhighest rate with p99 < {P99_LIMIT_MS:g} ms and 0 errors (steps of "
          f"{a.step_seconds:g} s):")  # fmt: skip
    print(f"{'':18}" + "".join(f"{m:>40}" for m in modes))
    names = {"healthz": "healthz (floor)", "status": "status read", "submit": "submit"}
    for w in [w for w in WORKLOADS if w in a.workloads]:
        print(f"{names[w]:18}" + "".join(f"{results.get((w, m), '-'):>40}" for m in modes))
    print(f"{'generator CPU':18}" + "".join(f"{results.get(('gen', m), '-'):>40}"
                                              for m in modes))  # fmt: skip
    parts = [", ".join(f"{m} {results.get((w, m), '-')}" for m in modes)
             for w in ("submit", "status") if w in a.workloads]  # fmt: skip
    labels = [w for w in ("submit", "status") if w in a.workloads]
    if labels:
        print("highest rate with p99 < 100 ms and 0 errors: "
              + "; ".join(f"{w} {t}" for w, t in zip(labels, parts, strict=True)))  # fmt: skip


if __name__ == "__main__":
    main()
