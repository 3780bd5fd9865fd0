"""The fake provider server, run for real on 127.0.0.1 in a background thread."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.support.fake import FakeServer, running_fake_server

SECRET = "sk-TEST-do-not-leak-7f3a9c"


@pytest.fixture(scope="session")
def fake_session() -> Iterator[FakeServer]:
    """One fake server for the whole session; slow bodies take 1.2 s, holds end at 15 s."""
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
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def assert_secret_hidden(exc: BaseException) -> None:
    """The API key appears nowhere in an error: message, str, repr or chained causes."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for text in (str(current), repr(current), str(getattr(current, "message", ""))):
            assert SECRET not in text
        current = current.__cause__ or current.__context__
