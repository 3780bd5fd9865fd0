"""Keep a lease alive from a background thread while long work runs in the task's thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class LeaseKeeper:
    """Calls `renew` every `interval` seconds until the block ends; a failed renewal is logged
    and tried again at the next tick (the lease is three intervals long)."""

    def __init__(self, renew: Callable[[], object], interval: float, what: str) -> None:
        self._renew, self._interval, self._what = renew, interval, what
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._renew()
            except Exception:
                log.warning("lease renewal failed for %s", self._what, exc_info=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
