"""Engine and transactions: the only place that commits."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, and explicit BEGIN so writers take the lock up front."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A deferred transaction that reads, then writes, fails at once with SQLITE_BUSY
        # when another process wrote in between; BEGIN IMMEDIATE waits for the lock instead.
        immediate = conn.get_execution_options().get("vignette_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """One engine per process, created at start-up; hands out read and write sessions."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {}
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            # A database that does not answer fails a request in seconds (a 503), not a hang.
            kwargs.update(
                pool_size=10, max_overflow=20, pool_pre_ping=True, pool_timeout=10,
                connect_args={"connect_timeout": 5},
            )  # fmt: skip
        self.engine = create_engine(url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        write_engine = self.engine.execution_options(vignette_write=True)
        self._reads = sessionmaker(self.engine, expire_on_commit=False)
        self._writes = sessionmaker(write_engine, expire_on_commit=False)
        # SQLite has one writer at a time; queueing our own threads here is fairer and
        # faster than letting them spin in SQLite's busy handler.
        self._write_lock = threading.Lock() if self.is_sqlite else None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; never commits (closing ends the transaction)."""
        with self._reads() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction: commits when the block ends, rolls back on error."""
        lock = self._write_lock
        if lock is not None:
            lock.acquire()
        try:
            with self._writes() as session, session.begin():
                yield session
        finally:
            if lock is not None:
                lock.release()

    def dispose(self) -> None:
        """Close all pooled connections."""
        self.engine.dispose()
