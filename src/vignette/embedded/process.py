"""Child processes that die with their parent and can be stopped as a group."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess

PR_SET_PDEATHSIG = 1


def child_preexec() -> None:
    """In the child: own process group, and SIGTERM when the supervisor dies (Linux)."""
    os.setsid()
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def stop_group(proc: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM the child (the leader of its group), wait, then SIGKILL whatever is left.

    Only the leader is asked: it stops its own children in order (a Celery worker lets its
    pool finish the running tasks; SIGTERM to the pool processes themselves would kill those
    tasks mid-call, and their jobs would wait out their lease)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=timeout)
    # The group may hold grandchildren (worker pool processes) even after the leader exited.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)
