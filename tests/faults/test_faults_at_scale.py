"""The fault tests of issue 13 at scale: 100 jobs in flight on a real `vignette serve`, the fake
Pollinations answering in 300 ms, and a process killed, stopped or starved of its messages.
Each checks that no job is lost, none is completed twice and every ledger matches its job, and
prints its figure: the provider calls beyond one per job and how long the recovery took."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
import redis

from tests.conftest import _show_log_on_failure
from tests.support.backends import Backend
from tests.support.fake import FakeServer, running_fake_server
from tests.support.scale import (
    Ledger,
    all_jobs,
    check_ledger,
    count_done,
    epoch,
    figure,
    make_descriptions,
    new_pid,
    scale_settings,
    submit_jobs,
    tag,
    until,
    wait_until_final,
)
from tests.support.service import Service, pause_outside_a_write
from vignette.queue.dispatch import JOB_MARKER_PREFIX

pytestmark = pytest.mark.integration

JOBS = 100
LATENCY_S = 0.3


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeServer]:
    """A fake provider server answering each call after LATENCY_S (or the test's parameter)."""
    latency: float = getattr(request, "param", LATENCY_S)
    with running_fake_server(latency_ms=latency * 1000) as server:
        yield server


@pytest.fixture
def serve(
    fresh_backend: Backend, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Service]]:
    """Start `vignette serve` with these settings; stopped (by its pid) when the test ends."""
    made: list[Service] = []

    def start(**settings: Any) -> Service:
        svc = Service(tmp_path / "data", fresh_backend, **settings)
        made.append(svc)
        svc.start()
        return svc

    yield start
    for svc in made:
        _show_log_on_failure(request, svc)
        if svc.proc is not None and svc.proc.poll() is None:
            svc.stop()


def _under_way(svc: Service) -> None:
    """Submit the jobs and wait until a fifth are done: the others are running or queued."""
    with svc.client() as c:
        submit_jobs(c, JOBS)
        until(lambda: count_done(c) >= JOBS // 5, what="a fifth of the jobs done")


def _bound(settings: dict[str, Any], remaining: int) -> float:
    """How long a new worker may take to finish `remaining` jobs, generously: a lease (the dead
    worker's running jobs; its held messages lapse within one too), two reconcile intervals, a
    worker's start, and the work at its concurrency with a second of slack per job."""
    lease = float(settings["lease_seconds"])
    interval = float(settings["reconcile_interval_seconds"])
    work = remaining * (LATENCY_S + 1.0) / int(settings["worker_concurrency"])
    return lease + 2 * interval + 10.0 + work


def test_1_a_killed_pool_process_loses_no_job(
    serve: Callable[..., Service], fake: FakeServer
) -> None:
    svc = serve(**scale_settings(fake))
    _under_way(svc)
    with svc.client() as c:
        worker = svc.pid("worker")
        child = psutil.Process(worker).children()[0]  # a pool process, busy with a job
        killed_at = time.time()
        os.kill(child.pid, signal.SIGKILL)
        jobs = wait_until_final(c, JOBS)
    ledger = check_ledger(jobs, fake)
    lost = [j for j in jobs if any(a["outcome"] == "lost" for a in j["attempts"])]
    assert len(lost) <= 1, [j["attempts"] for j in lost]  # only the killed process's job
    assert svc.pid("worker") == worker  # the main worker lived on and replaced its child
    back = max((epoch(j["finished_at"]) for j in lost), default=killed_at) - killed_at
    figure("1 kill -9 a pool process", ledger, killed_job_done_after=back,
           all_done_after=ledger.last_finished - killed_at)  # fmt: skip


def test_2_a_killed_worker_tree_is_replaced_and_every_job_completes(
    serve: Callable[..., Service], fake: FakeServer
) -> None:
    settings = scale_settings(fake)
    svc = serve(**settings)
    _under_way(svc)
    worker = svc.pid("worker")
    killed_at = time.time()
    os.killpg(worker, signal.SIGKILL)  # the main process and its pool: nothing handed back
    new_pid(lambda: svc.pid("worker"), worker)  # serve starts a new one
    began = time.time()
    ledger, recovered, bound = _recovers_in_time(svc, fake, settings, began)
    figure("2 kill -9 the worker and its pool", ledger, new_worker_after_kill=began - killed_at,
           last_done_after_new_worker=recovered, bound=bound)  # fmt: skip


def _recovers_in_time(
    svc: Service, fake: FakeServer, settings: dict[str, Any], began: float
) -> tuple[Ledger, float, float]:
    """Every job completes, the last of them within `_bound` of `began` (a new worker's start)."""
    with svc.client() as c:
        remaining = JOBS - count_done(c)
        jobs = wait_until_final(c, JOBS)
    ledger = check_ledger(jobs, fake)
    recovered = ledger.last_finished - began
    bound = _bound(settings, remaining)
    assert recovered < bound < 600, (recovered, bound)  # not the 10-minute marker, nor 1 h
    return ledger, recovered, bound


def test_3_every_process_killed_then_serve_again_on_the_same_data(
    serve: Callable[..., Service], fake: FakeServer
) -> None:
    settings = scale_settings(fake)
    svc = serve(**settings)
    _under_way(svc)
    tree = [psutil.Process(pid) for pid in svc.processes()]
    for p in tree:  # frozen first, so none reacts to another's death
        p.send_signal(signal.SIGSTOP)
    for p in tree:
        p.send_signal(signal.SIGKILL)
    assert svc.proc is not None
    svc.proc.wait(timeout=10)
    psutil.wait_procs(tree, timeout=10)
    began = time.time()
    svc.start()  # on the same data dir (and the same database and Redis, when external)
    ledger, recovered, bound = _recovers_in_time(svc, fake, settings, began)
    figure("3 kill -9 all of serve, serve again", ledger, last_done_after_serve_again=recovered,
           bound=bound)  # fmt: skip


def _submit_alone(c: httpx.Client, description_id: str) -> int:
    """Submit on a connection of its own: uvicorn drops the one an unhandled error answered on."""
    r = c.post(f"/images/generate/async/{description_id}", headers={"Connection": "close"})
    return r.status_code


RECONCILE_GRACE_S = 2  # the reconciler leaves a job committed this recently to its first send


def test_5_jobs_committed_but_never_sent_are_sent_by_the_reconciler(
    serve: Callable[..., Service], fake: FakeServer
) -> None:
    unsent = JOBS // 2
    settings = scale_settings(fake, fault_fail_sends=unsent)
    svc = serve(**settings)
    with svc.client() as c:
        answers = [_submit_alone(c, d) for d in make_descriptions(c, JOBS)]
        last_commit = time.time()
        # Committed, then the send failed: the client hears of a failure (5xx), the row stays
        # queued with no message and no marker, as after a crash between the two.
        assert [a // 100 for a in answers[:unsent]] == [5] * unsent, answers
        assert answers[unsent:] == [202] * (JOBS - unsent), answers
        jobs = wait_until_final(c, JOBS)
    ledger = check_ledger(jobs, fake)
    assert ledger.extra_calls == 0, ledger
    done_after = ledger.last_finished - last_commit
    interval = float(settings["reconcile_interval_seconds"])
    work = JOBS * (LATENCY_S + 1.0) / int(settings["worker_concurrency"])
    bound = RECONCILE_GRACE_S + interval + 10.0 + work
    assert done_after < bound, (done_after, bound)
    first = jobs[:unsent]  # oldest first: the jobs whose send failed
    picked_up = max(epoch(j["started_at"]) - epoch(j["created_at"]) for j in first)
    figure("5 commit, then the send fails", ledger, unsent_claimed_within=picked_up,
           no_queued_row_after_last_submit=done_after, bound=bound)  # fmt: skip


POISON = "Lighthouse 1-13 stood"  # one passage of make_descriptions' 100


def test_6_a_poison_job_fails_after_the_delivery_cap_and_the_others_are_unaffected(
    serve: Callable[..., Service], fake: FakeServer
) -> None:
    # The poison kills the pool process that runs it, every time (os._exit, as a segfault in
    # a native library would): the worker replaces its child, the job goes back, three times.
    svc = serve(**scale_settings(fake, fault_poison_text=POISON))
    with svc.client() as c:
        submitted = time.time()
        submit_jobs(c, JOBS)
        jobs = wait_until_final(c, JOBS, timeout=120)
    poisoned = [j for j in jobs if POISON in j["prompt"]]
    assert len(poisoned) == 1
    (poison,) = poisoned
    assert poison["status"] == "failed", poison
    assert poison["error"]["code"] == "worker_lost"
    assert [a["outcome"] for a in poison["attempts"]] == ["lost"] * 3  # the delivery cap
    others = [j for j in jobs if j is not poison]
    ledger = check_ledger(others, fake)  # every other job completed, once
    interrupted = [j for j in others if len(j["attempts"]) > 1]
    assert not interrupted, [j["attempts"] for j in interrupted]  # only its own process died
    assert fake.outcomes("pollinations").get("ok") == JOBS - 1  # the poison never called out
    figure("6 a poison job", ledger, poison_failed_after=epoch(poison["finished_at"]) - submitted,
           all_done_after=ledger.last_finished - submitted)  # fmt: skip


def test_8_a_sigterm_drains_the_worker_and_loses_no_job(
    serve: Callable[..., Service], fake: FakeServer
) -> None:
    svc = serve(**scale_settings(fake))
    _under_way(svc)
    with svc.client() as c:
        worker = psutil.Process(svc.pid("worker"))
        stopped_at = time.monotonic()
        worker.send_signal(signal.SIGTERM)  # a deploy: Celery's warm shutdown
        worker.wait(timeout=60)  # its running jobs finish; what it held goes back to Redis
        drain = time.monotonic() - stopped_at
        restarted_at = time.time()
        new_pid(lambda: svc.pid("worker"), worker.pid)  # serve starts the next one
        jobs = wait_until_final(c, JOBS)
    ledger = check_ledger(jobs, fake)
    assert ledger.extra_calls == 0, ledger  # nothing was cut off: no call made twice
    figure("8 SIGTERM the worker", ledger, drain=drain,
           last_done_after_restart=ledger.last_finished - restarted_at)  # fmt: skip


CANCEL_LATENCY_S = 8.0  # long enough to cancel 50 jobs while their calls are in flight


def _in_flight(job: dict[str, Any]) -> bool:
    calls = job["attempts"]
    return job["status"] == "generating" and bool(calls) and calls[-1]["outcome"] == "pending"


def _open_calls(c: httpx.Client) -> int:
    return sum(a["outcome"] == "pending" for j in all_jobs(c) for a in j["attempts"])


@pytest.mark.parametrize("fake", [CANCEL_LATENCY_S], indirect=True)
def test_7_cancelled_jobs_make_no_call_after_the_cancel_nor_after_a_restart(
    serve: Callable[..., Service], fake: FakeServer
) -> None:
    generating = JOBS // 2
    timeout = 12  # a call's timeout: longer than the fake's 8 s
    # A job is generating while a worker slot runs it, so 50 need 50 slots: a thread pool
    # (one process; a call is mostly waiting), and 8 s calls, so they are still in flight
    # when their cancel comes. The other 50 wait in the queue.
    settings = scale_settings(
        fake, worker_pool="threads", worker_concurrency=generating, provider_timeout_seconds=timeout
    )
    lease, interval = settings["lease_seconds"], settings["reconcile_interval_seconds"]
    svc = serve(**settings)
    with svc.client() as c:
        submit_jobs(c, JOBS)
        until(lambda: sum(map(_in_flight, all_jobs(c))) == generating, what="50 calls in flight")
        jobs = all_jobs(c)
        busy = [j["task_id"] for j in jobs if j["status"] == "generating"]
        waiting = [j["task_id"] for j in jobs if j["status"] == "queued"]
        assert (len(busy), len(waiting)) == (generating, JOBS - generating)

        def cancel(task_id: str) -> dict[str, Any]:
            doc: dict[str, Any] = c.post(f"/images/task/{task_id}/cancel").json()
            return doc

        with ThreadPoolExecutor(8) as pool:  # quickly, while the calls are still in flight
            docs = list(pool.map(cancel, busy + waiting))
        assert {d["status"] for d in docs} == {"cancelled"}, docs
        # A passage's tag → when its job's cancel was recorded.
        cancelled_at = {str(tag(d["prompt"])): epoch(d["finished_at"]) for d in docs}
        # Restart every worker, the hard way: their messages stay unacknowledged, their
        # held keys lapse, the calls they were making are cut off.
        worker = svc.pid("worker")
        os.killpg(worker, signal.SIGKILL)
        new_pid(lambda: svc.pid("worker"), worker)
        restarted = time.monotonic()
        # Jobs submitted now queue behind every message the cancelled jobs left; once they are
        # done, the new worker has seen all of those.
        later = submit_jobs(c, 3, books=1, first_book=4)
        wait_until_final(c, JOBS + len(later))
        # The cut-off calls end `lost` in the ledger once no live worker can still be in them
        # (a call's timeout, and a lease, after the cancel), at the reconciler's next turn.
        closing = timeout + lease + 3 * interval + 10
        until(lambda: _open_calls(c) == 0, timeout=closing, what="the cut-off calls closed")
        closed_after = time.time() - max(cancelled_at.values())
        watched = time.monotonic() - restarted
        assert watched > lease + 2 * interval  # the reconciler had its turns after the restart
        final = {j["task_id"]: j for j in all_jobs(c)}
    ledger = check_ledger(list(final.values()), fake, status=None)
    assert [final[t]["status"] for t in later] == ["completed"] * len(later)
    for task_id in busy + waiting:
        job = final[task_id]
        assert job["status"] == "cancelled", job
        outcomes = [a["outcome"] for a in job["attempts"]]
        # A call that ended before the kill was `discarded` by its worker; one cut off, `lost`.
        assert outcomes in ([["lost"], ["discarded"]] if task_id in busy else [[]]), job
        for a in job["attempts"]:  # no call begun after the cancel
            assert epoch(a["started_at"]) < epoch(job["finished_at"]), job
    cut_off = sum(final[t]["attempts"][0]["outcome"] == "lost" for t in busy)
    assert cut_off > 0  # the kill came while calls were in flight (they take 8 s)
    late = [
        (name, call["at"] - cancelled_at[name])
        for call in fake.recent()
        if (name := str(tag(call["path"]))) in cancelled_at and call["at"] >= cancelled_at[name]
    ]
    assert late == [], late  # the provider saw no call for a job after its cancel
    assert fake.outcomes("pollinations") == {"ok": generating + len(later)}
    figure("7 cancel 50 queued and 50 generating, restart", ledger,
           calls_after_a_cancel=len(late), calls_cut_off=cut_off, watched_after_restart=watched,
           cut_off_calls_closed_after_the_cancels=closed_after)  # fmt: skip


def test_4_a_flushed_broker_with_500_jobs_queued_loses_none(
    serve: Callable[..., Service], fake: FakeServer
) -> None:
    count = 5 * JOBS
    # A thread pool of 20: the 500 jobs take seconds, not the minute four processes would.
    settings = scale_settings(fake, worker_pool="threads", worker_concurrency=20)
    svc = serve(**settings)
    broker = redis.Redis.from_url(svc.redis_url)
    worker = svc.pid("worker")
    pause_outside_a_write(svc, worker)  # the messages wait in Redis
    try:
        with svc.client() as c:
            submit_jobs(c, count, books=5)
            broker.flushdb()  # every message and marker gone (other tests share the server)
            flushed, flushed_at = time.monotonic(), time.time()
            os.killpg(worker, signal.SIGCONT)

            # A job still queued without a marker has lost its message; the reconciler resends
            # each (and marks it again), unless a worker has run it meanwhile.
            def unsent() -> int:
                pipe = broker.pipeline(transaction=False)
                for j in all_jobs(c):
                    if j["status"] == "queued":
                        pipe.exists(f"{JOB_MARKER_PREFIX}{j['task_id']}")
                return sum(not found for found in pipe.execute())

            until(lambda: unsent() == 0, timeout=30, what="every lost message sent again")
            noticed = time.monotonic() - flushed
            jobs = wait_until_final(c, count, timeout=120)
    finally:
        os.killpg(worker, signal.SIGCONT)
        broker.close()
    ledger = check_ledger(jobs, fake)
    interval = float(settings["reconcile_interval_seconds"])
    assert noticed < RECONCILE_GRACE_S + 2 * interval + 10, noticed
    figure("4 FLUSHDB with 500 jobs queued", ledger, all_sent_again_after=noticed,
           all_done_after=ledger.last_finished - flushed_at)  # fmt: skip
