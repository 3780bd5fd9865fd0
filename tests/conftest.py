"""Fixtures: the app in-process with a real worker, real `vignette serve` process trees, and
databases on each configured backend."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.backends import BACKENDS, Backend, new_backend
from tests.support.fake import FakeServer, running_fake_server
from tests.support.inprocess import InProcessApp
from tests.support.service import Service, free_port
from vignette.db.migrate import upgrade
from vignette.db.session import Database


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember each phase's report so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


FIGURE = "figure: "  # a line a test prints to report a measurement (fault tests' recoveries)
_figures: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Collect the figures each test printed; under xdist the reports reach the controller."""
    if report.when == "call" and report.passed:
        _figures.extend(
            f"{line[len(FIGURE) :]}  ({report.nodeid.split('::')[-1]})"
            for line in report.capstdout.splitlines()
            if line.startswith(FIGURE)
        )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the figures after the results, where a person (or CI's log) sees them."""
    if _figures:
        terminalreporter.section("figures")
        for line in sorted(_figures):
            terminalreporter.write_line(line)


def _show_log_on_failure(request: pytest.FixtureRequest, svc: Service) -> None:
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print(
            f"\n--- last lines of {svc.log_path} ---\n" + "\n".join(svc.log().splitlines()[-150:])
        )


@pytest.fixture(scope="session", params=BACKENDS)
def backend_name(request: pytest.FixtureRequest) -> str:
    """Each test using a service runs once per backend (embedded, and external when set)."""
    name: str = request.param
    return name


@pytest.fixture
def fresh_backend(backend_name: str) -> Iterator[Backend]:
    """An empty backend for one test."""
    backend = new_backend(backend_name)
    yield backend
    backend.drop()


@pytest.fixture
def db(fresh_backend: Backend, tmp_path: Path) -> Iterator[Database]:
    """A migrated database on an empty backend (a SQLite file in tmp_path when embedded)."""
    url = fresh_backend.database_url or f"sqlite:///{tmp_path / 'v.db'}"
    upgrade(url)
    database = Database(url)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def api(backend_name: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessApp]:
    """The app from create_app, in this process, with one real worker (procedural provider)."""
    backend = new_backend(backend_name)
    app = InProcessApp(tmp_path_factory.mktemp(f"api-{backend_name}"), backend)
    app.start()
    yield app
    app.stop()
    backend.drop()


@pytest.fixture
def make_app(
    fresh_backend: Backend, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., InProcessApp]]:
    """Start an in-process app with these settings (and a worker) on an empty backend."""
    made: list[InProcessApp] = []

    def make(**settings: Any) -> InProcessApp:
        app = InProcessApp(tmp_path / f"app{len(made)}", fresh_backend, **settings)
        made.append(app)
        app.start()
        return app

    yield make
    for app in made:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            print(f"\n--- worker log of {app.data_dir} ---\n" + app.log()[-8000:])
        app.stop()


SLOW = {
    "procedural_delay_ms": 1500,
    "worker_concurrency": 1,
    "lease_seconds": 2,
    "reconcile_interval_seconds": 0.5,
    "retry_base_seconds": 0.1,
}


@pytest.fixture
def slow_app(make_app: Callable[..., InProcessApp]) -> InProcessApp:
    """An in-process app whose provider takes 1.5 s per image, one job at a time."""
    return make_app(**SLOW)


@pytest.fixture
def slow_service(
    fresh_backend: Backend, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Service]:
    """A service whose provider takes 1.5 s per image, one job at a time, short leases."""
    svc = Service(tmp_path / "data", fresh_backend, **SLOW)
    svc.start()
    yield svc
    _show_log_on_failure(request, svc)
    if svc.proc is not None and svc.proc.poll() is None:
        svc.stop()


@pytest.fixture(scope="session")
def fake_session() -> Iterator[FakeServer]:
    """One fake provider server for the session; slow bodies take 1.2 s, holds end at 15 s."""
    with running_fake_server(hang_seconds=15.0, slow_seconds=1.2) as server:
        yield server


@pytest.fixture
def fake(fake_session: FakeServer) -> FakeServer:
    """The shared fake server with counts and forced faults cleared for this test."""
    fake_session.reset()
    return fake_session


@pytest.fixture
def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens."""
    return f"http://127.0.0.1:{free_port()}"
