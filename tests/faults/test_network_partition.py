"""Fault test 12 (issue 13): a worker host cut off from the network mid-job.

Worker W1 runs in a network namespace of its own, reaching PostgreSQL and Redis (on the host's
loopback) through proxies on the host side of a veth pair; the API, beat and a standby worker W2
run on the host. With W1's provider call in flight the link goes down: W1's connections hang
(no reset, no error: packets go nowhere), its lease is not renewed, and the reconciler reclaims
the job and sends it again; W2 completes it. Then the link comes back, W1's call ends, and its
late result is refused, because every write of a run is conditional on its claim token: the
job stays completed once, with W2's image, and the cut-off call is recorded `discarded`.

W1's call outlasts the cut (20 s against W2's 2 s: each worker has its own procedural
provider's delay; that provider runs inside the worker, needing no network), so W1 is back
before its result is ready and does try to write it. A result ready while the link is still
down would meet Redis first (the breaker's bookkeeping), whose socket times out: that run ends
without writing its result at all."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.support.api import create_book, description_ids, wait_for, wait_for_call_in_flight
from tests.support.backends import Backend
from tests.support.netns import Namespace, NamespaceUnavailable, network_namespace
from tests.support.service import free_port
from tests.support.tcp_proxy import proxied_url
from vignette.cli.bootstrap import ensure_local_key
from vignette.db.migrate import upgrade
from vignette.embedded.process import child_preexec, stop_group
from vignette.settings import Settings

pytestmark = pytest.mark.integration

LEASE = 3.0
RECONCILE = 0.5
FAR_CALL_MS = 20000  # W1's call: longer than the cut
NEAR_CALL_MS = 2000  # W2's
SETTINGS = {
    "lease_seconds": LEASE,
    "reconcile_interval_seconds": RECONCILE,
    "worker_concurrency": 1,
    "log_level": "INFO",
}
WORKER = ["worker", "--queues", "heavy,normal,light", "--concurrency", "1"]


class Processes:
    """`python -m vignette ...` children, each in its own process group with its own log."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.procs: list[subprocess.Popen[bytes]] = []

    def env(self, database_url: str, redis_url: str, call_ms: int) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VIGNETTE_")}
        env.update({f"VIGNETTE_{k.upper()}": str(v) for k, v in SETTINGS.items()})
        env["VIGNETTE_PROCEDURAL_DELAY_MS"] = str(call_ms)
        env.update(
            VIGNETTE_DATA_DIR=str(self.data_dir),
            VIGNETTE_DATABASE_URL=database_url,
            VIGNETTE_REDIS_URL=redis_url,
            PYTHONUNBUFFERED="1",
        )
        return env

    def start(
        self, name: str, args: Sequence[str], env: dict[str, str], prefix: Sequence[str] = ()
    ) -> subprocess.Popen[bytes]:
        with open(self.log(name), "ab") as log:
            proc = subprocess.Popen(
                [*prefix, sys.executable, "-m", "vignette", *args],
                env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=child_preexec,
            )  # fmt: skip
        self.procs.append(proc)
        return proc

    def log(self, name: str) -> Path:
        return self.data_dir / f"{name}.log"

    def text(self, name: str) -> str:
        path = self.log(name)
        return path.read_text(errors="replace") if path.exists() else ""

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            stop_group(proc, timeout=10)


@contextmanager
def _namespace() -> Iterator[Namespace]:
    try:
        with network_namespace() as ns:
            yield ns
    except NamespaceUnavailable as exc:  # raised only while the namespace is made
        pytest.skip(f"no network namespace for the cut-off worker: {exc}")


def _wait_until(what: str, check: Any, timeout: float, logs: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout:.0f} s\n{logs}")
        time.sleep(0.1)


def _images(database_url: str, job_id: str) -> tuple[int, int]:
    """(completed rows of the job, rows of image_files). The procedural picture of a prompt is
    the same bytes each time, so W1's late result names W2's file: 1 and 1."""
    with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        jobs = conn.execute(
            "SELECT count(*) FROM generated_images WHERE id = %s AND status = 'completed'",
            (job_id,),
        ).fetchone()
        files = conn.execute("SELECT count(*) FROM image_files").fetchone()
    assert jobs is not None
    assert files is not None
    return int(jobs[0]), int(files[0])


def test_a_worker_cut_off_mid_job_is_replaced_and_its_late_result_refused(
    fresh_backend: Backend, tmp_path: Path
) -> None:
    if fresh_backend.name == "embedded":
        pytest.skip(
            "the embedded backend is SQLite and a Redis socket in one data dir: "
            "there is no network to cut"
        )
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    db_url, redis_url = fresh_backend.database_url, fresh_backend.redis_url
    upgrade(db_url)
    ensure_local_key(Settings(data_dir=data_dir, database_url=db_url, redis_url=redis_url))
    key = (data_dir / "api-key").read_text().strip()
    procs = Processes(data_dir)
    with (
        _namespace() as ns,
        proxied_url(db_url, ns.host_address) as (_, far_db),
        proxied_url(redis_url, ns.host_address) as (_, far_redis),
    ):
        host_env = procs.env(db_url, redis_url, NEAR_CALL_MS)
        try:
            port = free_port()
            procs.start("api", ["api", "--host", "127.0.0.1", "--port", str(port)], host_env)
            procs.start("beat", ["beat"], host_env)
            procs.start("w1", WORKER, procs.env(far_db, far_redis, FAR_CALL_MS), ns.exec_prefix())
            base = f"http://127.0.0.1:{port}"
            _wait_until("the API answered", lambda: _healthy(base), 60, procs.text("api"))
            headers = {"Authorization": f"Bearer {key}"}
            with httpx.Client(base_url=f"{base}/api/v1", headers=headers, timeout=30) as c:
                desc = description_ids(create_book(c))[0]
                task_id = c.post(f"/images/generate/async/{desc}").json()["task_id"]
                wait_for_call_in_flight(c, task_id, timeout=60)
                w1_call_at = time.monotonic()

                # W2 stands by on the host (its start-up is not part of the recovery): the job
                # is W1's, its message unacknowledged there.
                procs.start("w2", WORKER, host_env)
                _wait_until("W2 was ready", lambda: " ready." in procs.text("w2"), 60,
                            procs.text("w2"))  # fmt: skip
                ns.link(up=False)  # W1's host is cut off, its call under way
                cut_at = time.monotonic()
                done = wait_for(c, task_id, {"completed", "failed"}, timeout=90)
                recovery = time.monotonic() - cut_at
                assert done["status"] == "completed", done
                assert [a["outcome"] for a in done["attempts"]] == ["lost", "success"], done
                assert time.monotonic() - w1_call_at < FAR_CALL_MS / 1000 - 2, (
                    "W2 took so long that W1's call ended while it was still cut off"
                )

                ns.link(up=True)  # W1 comes back with a result for a job no longer its own
                back_at = time.monotonic()

                def refused() -> bool:  # complete(): the settle refused, the call closed
                    first = c.get(f"/images/task/{task_id}").json()["attempts"][0]
                    return bool(first["outcome"] == "discarded")

                _wait_until("W1 came back and had its result refused", refused, 60)
                back = time.monotonic() - back_at
                time.sleep(2)  # anything W1 would still write after its last one
                after = c.get(f"/images/task/{task_id}").json()
            # The cut-off call is now recorded as it ended: made, and its result discarded.
            assert [a["outcome"] for a in after["attempts"]] == ["discarded", "success"], after
            assert after["attempts"][1] == done["attempts"][1]
            unchanged = ("status", "image", "image_url", "finished_at", "model", "attempt_count")
            assert {k: after[k] for k in unchanged} == {k: done[k] for k in unchanged}
            assert _images(db_url, task_id) == (1, 1)
            bound = LEASE + 2 * RECONCILE + NEAR_CALL_MS / 1000 + 5  # + the resend's way
            assert recovery < bound, f"{recovery:.1f} s from the cut to completion (bound {bound})"
            print(f"\nfigure: worker cut off mid-call: its job completed by another worker "
                  f"{recovery:.1f} s after the cut (lease {LEASE:.0f} s, reconcile every "
                  f"{RECONCILE} s, call {NEAR_CALL_MS / 1000:.0f} s; bound {bound:.0f} s); the "
                  f"cut-off worker's late result refused {back:.1f} s after the link came back "
                  f"(its call: {FAR_CALL_MS / 1000:.0f} s)")  # fmt: skip
        except BaseException:
            for name in ("w1", "w2", "beat", "api"):
                print(f"\n--- last lines of {name}.log ---\n{procs.text(name)[-5000:]}")
            raise
        finally:
            procs.stop_all()


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
