"""Killed workers, restarts, a dead API process and a flushed broker, on real `vignette serve`
process trees: no job is lost."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import redis

from tests.support.api import create_book, description_ids, wait_for, wait_for_call_in_flight
from tests.support.backends import Backend
from tests.support.books import scenes_text, upload, wait_for_book
from tests.support.fake import FakeServer
from tests.support.service import Service, pause_outside_a_write


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _pid_exists_as_non_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_killed_worker_job_completes_after_reconciler(slow_service: Service) -> None:
    with slow_service.client() as c:
        desc_id = description_ids(create_book(c))[0]
        task = c.post(f"/images/generate/async/{desc_id}").json()
        wait_for_call_in_flight(c, task["task_id"])
        worker = slow_service.pid("worker")
        os.killpg(worker, signal.SIGKILL)
        done = wait_for(c, task["task_id"], {"completed", "failed"}, timeout=60)
        assert done["status"] == "completed", done
        assert [a["outcome"] for a in done["attempts"]] == ["lost", "success"]
        assert slow_service.pid("worker") != worker
        assert c.get(slow_service.base_url + done["image_url"]).status_code == 200


def test_job_that_keeps_killing_its_worker_fails(slow_service: Service) -> None:
    with slow_service.client() as c:
        desc_id = description_ids(create_book(c))[0]
        task = c.post(f"/images/generate/async/{desc_id}").json()
        kills = 0
        deadline = time.monotonic() + 120
        doc = task
        while time.monotonic() < deadline:
            doc = c.get(f"/images/task/{task['task_id']}").json()
            if doc["status"] in {"failed", "completed"}:
                break
            calls = doc["attempts"]
            # Kill once per delivery: when a new call is in flight.
            if len(calls) > kills and calls[-1]["outcome"] == "pending":
                os.killpg(slow_service.pid("worker"), signal.SIGKILL)
                kills += 1
            time.sleep(0.05)
        assert doc["status"] == "failed", doc
        assert doc["error"]["code"] == "worker_lost"
        assert kills == 3
        assert [a["outcome"] for a in doc["attempts"]] == ["lost", "lost", "lost"]


def test_restart_keeps_queued_jobs(slow_service: Service) -> None:
    with slow_service.client() as c:
        ids = description_ids(create_book(c))[:3]
        tasks = [c.post(f"/images/generate/async/{d}").json()["task_id"] for d in ids]
    pids = slow_service.processes()  # the whole tree: serve, API, worker and its pool, beat...
    assert {slow_service.pid(n) for n in ("api", "worker", "beat")} < set(pids)
    assert slow_service.stop() == 0
    time.sleep(0.5)
    assert not [p for p in pids if _pid_exists_as_non_zombie(p)], "orphan processes after stop"
    slow_service.start()
    with slow_service.client() as c:
        for task_id in tasks:
            doc = wait_for(c, task_id, {"completed", "failed"}, timeout=60)
            assert doc["status"] == "completed", (doc["error"], doc["attempts"])


def test_a_dead_api_process_is_replaced_while_the_other_serves(
    fresh_backend: Backend, tmp_path: Path
) -> None:
    svc = Service(tmp_path / "data", fresh_backend, api_processes=2)
    svc.start()
    try:
        servers = svc.api_servers()
        assert len(servers) == 2
        with svc.client() as c:
            desc_id = description_ids(create_book(c))[0]
        os.kill(servers[0], signal.SIGKILL)
        with svc.client() as c:  # a new connection: the old one may have been to the dead one
            # The other process answers at once; nothing waits for the replacement.
            task = c.post(f"/images/generate/async/{desc_id}").json()
            assert wait_for(c, task["task_id"], {"completed"}, timeout=60)["status"] == "completed"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = svc.api_servers()
            if len(now) == 2 and servers[0] not in now:
                break
            time.sleep(0.2)
        assert len(now) == 2, now
        assert servers[0] not in now
        assert servers[1] in now
        pids = svc.processes()
    finally:
        assert svc.stop() == 0
    time.sleep(0.5)
    assert not [p for p in pids if _pid_exists_as_non_zombie(p)], "orphan processes after stop"


def test_flushed_broker_loses_no_job(slow_service: Service) -> None:
    with slow_service.client() as c:
        ids = description_ids(create_book(c))[:3]
        tasks = [c.post(f"/images/generate/async/{d}").json()["task_id"] for d in ids]
        wait_for(c, tasks[0], {"generating"})
        client = redis.Redis.from_url(slow_service.redis_url)
        client.flushdb()
        client.close()
        for task_id in tasks:
            doc = wait_for(c, task_id, {"completed", "failed"}, timeout=60)
            assert doc["status"] == "completed", (doc["error"], doc["attempts"])


def test_flushed_broker_loses_no_book_import(slow_service: Service) -> None:
    worker = slow_service.pid("worker")
    pause_outside_a_write(slow_service, worker)  # the import message waits in Redis
    try:
        with slow_service.client() as c:
            text = "Chapter 1\n\nThe old castle stood on a dark hill above the frozen lake.\n"
            r = upload(c, "castle.txt", text.encode())
            assert r.status_code == 202, r.text
            client = redis.Redis.from_url(slow_service.redis_url)
            client.flushdb()  # the message and its marker are gone
            client.close()
    finally:
        os.killpg(worker, signal.SIGCONT)
    with slow_service.client() as c:
        book = wait_for_book(c, r.json()["id"], timeout=60)
        assert book["status"] == "ready", book
        assert len(book["chapters"]) == 1


def test_an_import_whose_worker_was_killed_resumes_after_its_lease(
    fresh_backend: Backend, tmp_path: Path, fake: FakeServer
) -> None:
    # Each chapter waits 1.2 s for the (fake) LLM extractor, so the import is still running
    # when the whole worker is killed. Its message stays unacknowledged in Redis for the
    # visibility timeout (1 h) and its sent-marker lives past the book's time limit (12 min):
    # only the lease brings it back within the test's minute.
    svc = Service(
        tmp_path / "data",
        fresh_backend,
        extractor="llm",
        extractor_base_url=fake.url,
        extractor_api_key="sk-lease-test",
        lease_seconds=2,
        reconcile_interval_seconds=0.5,
        worker_concurrency=1,
    )
    fake.force(chat="slow")
    svc.start()
    try:
        with svc.client() as c:
            r = upload(c, "castle.txt", scenes_text(6).encode())
            assert r.status_code == 202, r.text
            book_id = r.json()["id"]
            deadline = time.monotonic() + 30
            while c.get(f"/books/{book_id}").json()["progress"]["chapters_done"] < 1:
                assert time.monotonic() < deadline, "the import never started"
                time.sleep(0.05)
            os.killpg(svc.pid("worker"), signal.SIGKILL)
            book = wait_for_book(c, book_id, timeout=60)
        assert book["status"] == "ready", book
        assert len(book["chapters"]) == 6
        assert book["descriptions_found"] == 12
        assert "book imports lost their worker" in svc.log()
    finally:
        fake.force(chat=None)
        svc.stop()
