"""Fault tests at scale: many jobs across several books, waiting until every one has ended, and
the ledger's invariants checked against the fake provider server, with the figures to print."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import psutil

from tests.support.books import one_chapter_book
from tests.support.fake import FakeServer

FINAL = frozenset({"completed", "failed", "cancelled"})
PROVIDER = "pollinations"  # its prompt travels in the URL path: each call names its job
_TAG = re.compile(r"Lighthouse (\d+-\d+)")

Job = dict[str, Any]


def scale_settings(fake: FakeServer, **overrides: Any) -> dict[str, Any]:
    """Service settings for a fault test at scale: the fake Pollinations, small pictures,
    short leases and reconcile intervals, breakers that no fault opens."""
    settings: dict[str, Any] = {
        "provider_chain": PROVIDER,
        "pollinations_base_url": fake.url,
        "pollinations_api_key": "sk-scale-test",
        "image_width": 256,
        "image_height": 192,
        "worker_concurrency": 4,
        "lease_seconds": 3,
        "reconcile_interval_seconds": 1,
        "retry_base_seconds": 0.1,
        "breaker_failures": 1000,
        "breaker_min_calls": 1000,
    }
    settings.update(overrides)
    return settings


def make_descriptions(
    c: httpx.Client, count: int, *, books: int = 4, first_book: int = 0
) -> list[str]:
    """Description ids of `count` passages spread over `books` new books; each passage names
    itself ("Lighthouse <book>-<n>"), so a provider call can be traced to its job."""
    per_book = -(-count // books)
    ids: list[str] = []
    for b in range(first_book, first_book + books):
        n = min(per_book, count - len(ids))
        sentences = [f"Lighthouse {b}-{i} stood on the grey cliff above the sea." for i in range(n)]
        r = c.post("/books", json=one_chapter_book(f"Scale {b}", sentences))
        assert r.status_code == 201, r.text
        ids += [d["id"] for d in r.json()["chapters"][0]["descriptions"]]
    return ids


def submit_jobs(c: httpx.Client, count: int, *, books: int = 4, first_book: int = 0) -> list[str]:
    """Submit `count` jobs across `books` books (numbered from `first_book`); their task ids."""
    tasks = []
    for description_id in make_descriptions(c, count, books=books, first_book=first_book):
        r = c.post(f"/images/generate/async/{description_id}")
        assert r.status_code == 202, r.text
        tasks.append(r.json()["task_id"])
    return tasks


def all_jobs(c: httpx.Client) -> list[Job]:
    """Every job of the client's user with its attempts, oldest first."""
    jobs: list[Job] = []
    while True:
        r = c.get("/images", params={"limit": 100, "offset": len(jobs), "order": "oldest"})
        assert r.status_code == 200, r.text
        page = r.json()
        jobs += page["items"]
        if not page["items"] or len(jobs) >= page["total"]:
            return jobs


def count_done(c: httpx.Client) -> int:
    """How many of the user's jobs have ended."""
    return sum(j["status"] in FINAL for j in all_jobs(c))


def until(done: Callable[[], bool], timeout: float = 60.0, what: str = "the condition") -> None:
    """Poll `done` until it holds."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout} s"
        time.sleep(0.1)


def wait_until_final(c: httpx.Client, count: int, timeout: float = 90.0) -> list[Job]:
    """Poll until the user has `count` jobs and every one has ended; the jobs."""
    deadline = time.monotonic() + timeout
    while True:
        jobs = all_jobs(c)
        if len(jobs) == count and all(j["status"] in FINAL for j in jobs):
            return jobs
        if time.monotonic() > deadline:
            states = sorted(j["status"] for j in jobs)
            raise AssertionError(f"{len(jobs)} jobs, not all final after {timeout} s: {states}")
        time.sleep(0.25)


def epoch(stamp: str) -> float:
    """A document's timestamp as seconds since the epoch (naive stamps are UTC)."""
    moment = datetime.fromisoformat(stamp)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def tag(text: str) -> str | None:
    """The "<book>-<n>" a passage, prompt or Pollinations path names, if any."""
    found = _TAG.search(text)
    return found.group(1) if found else None


@dataclass(frozen=True)
class Ledger:
    """What the jobs' ledgers and the fake provider server say about one run."""

    jobs: int
    completed: int
    attempts: int  # ledger rows
    calls: int  # calls the fake server received
    last_finished: float  # when the last job ended (epoch seconds)

    @property
    def extra_calls(self) -> int:
        """Provider calls beyond one per completed job."""
        return self.calls - self.completed


def check_ledger(jobs: list[Job], fake: FakeServer, *, status: str | None = "completed") -> Ledger:
    """Assert none lost (each has ended: in `status`, if given), none completed twice, and
    every ledger consistent with its job's state and with the calls the fake server saw."""
    for j in jobs:
        assert j["status"] in FINAL, (j["task_id"], j["status"], j["attempts"])
        assert j["status"] == (status or j["status"]), (j["task_id"], j["error"], j["attempts"])
        outcomes = [a["outcome"] for a in j["attempts"]]
        assert [a["attempt"] for a in j["attempts"]] == list(range(1, len(outcomes) + 1)), j
        assert "pending" not in outcomes, (j["task_id"], j["status"], outcomes)  # all ended
        successes = outcomes.count("success")
        if j["status"] == "completed":
            assert successes == 1, (j["task_id"], outcomes)
            assert outcomes[-1] == "success", (j["task_id"], outcomes)
            assert j["image"] is not None, j
        else:
            assert successes == 0, (j["task_id"], j["status"], outcomes)
    counts = fake.outcomes(PROVIDER)
    ledger = Ledger(
        jobs=len(jobs),
        completed=sum(j["status"] == "completed" for j in jobs),
        attempts=sum(len(j["attempts"]) for j in jobs),
        calls=sum(counts.values()),
        last_finished=max(epoch(j["finished_at"]) for j in jobs),
    )
    # Every picture delivered was a real call, and every call the server saw is in a ledger
    # (a row is written before its call; a worker killed in between leaves a row, no call).
    assert counts.get("ok", 0) >= ledger.completed, (counts, ledger)
    assert ledger.calls <= ledger.attempts, (counts, ledger)
    return ledger


def new_pid(read: Callable[[], object], old: int, timeout: float = 30.0) -> int:
    """Wait until `read()` gives a live process other than `old`; its pid."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid = int(str(read()))
            if pid != old and psutil.pid_exists(pid):
                return pid
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    raise AssertionError(f"no new process replaced {old} within {timeout} s")


def figure(test: str, ledger: Ledger, **figures: float) -> None:
    """Print a fault test's figure: extra provider calls, its recovery times (floats, in
    seconds) and counts (ints)."""
    times = ", ".join(
        f"{name.replace('_', ' ')} {value}" if isinstance(value, int) else
        f"{name.replace('_', ' ')} {value:.1f} s"
        for name, value in figures.items()
    )  # fmt: skip
    print(
        f"\nfigure: [{test}] {ledger.completed}/{ledger.jobs} completed, {ledger.calls} provider "
        f"calls ({ledger.extra_calls} extra, {ledger.attempts} in the ledger); {times}"
    )
