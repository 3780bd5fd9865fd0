"""The process commands take their defaults from the settings: the API believes forwarded
headers only from `VIGNETTE_FORWARDED_ALLOW_IPS` (so a sign-in through an HTTPS proxy gets a
Secure cookie), and `vignette worker` runs `VIGNETTE_WORKER_CONCURRENCY` pool processes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.support.backends import Backend
from tests.support.inprocess import InProcessApp
from tests.support.service import Service
from vignette.embedded.process import child_preexec, stop_group

pytestmark = pytest.mark.integration


def _sign_in_through_https_proxy(svc: Service) -> str:
    r = httpx.post(
        f"{svc.base_url}/api/v1/session",
        json={"api_key": svc.api_key},
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return r.headers["set-cookie"].lower()


@pytest.mark.parametrize(("allowed", "secure"), [("127.0.0.1", True), ("10.9.8.7", False)])
def test_forwarded_headers_are_believed_only_from_the_allowed_proxies(
    fresh_backend: Backend, tmp_path: Path, allowed: str, secure: bool
) -> None:
    svc = Service(tmp_path / "data", fresh_backend, forwarded_allow_ips=allowed)
    svc.start()
    try:
        cookie = _sign_in_through_https_proxy(svc)  # the test connects from 127.0.0.1
        assert ("; secure" in cookie) is secure, cookie
    finally:
        svc.stop()


def test_worker_concurrency_comes_from_the_settings(fresh_backend: Backend, tmp_path: Path) -> None:
    app = InProcessApp(tmp_path / "data", fresh_backend, worker=False, worker_concurrency=3)
    app.start()  # the database and Redis, and the environment a worker gets
    proc = subprocess.Popen(
        [sys.executable, "-m", "vignette", "worker", "--queues", "normal"],
        env=app._env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=child_preexec,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        children: list[psutil.Process] = []
        while time.monotonic() < deadline:
            children = psutil.Process(proc.pid).children()
            if len(children) >= 3:
                break
            time.sleep(0.2)
        time.sleep(1.0)  # a fourth would have appeared by now
        assert len(psutil.Process(proc.pid).children()) == 3
    finally:
        stop_group(proc, timeout=20)
        app.stop()
