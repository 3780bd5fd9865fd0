"""A network namespace joined to the host by a veth pair: a machine of its own for a process,
whose link a test can set down (a host cut off from the network) and up again.

The host side of the pair is 10.231.<n>.1/30 and the namespace side 10.231.<n>.2/30, with `lo`
up inside; a server on the host's loopback is reached from inside through a proxy bound to the
host side address (tests/support/tcp_proxy.py). Creating one needs root (CAP_NET_ADMIN);
`NamespaceUnavailable` says why it could not be made, for a test to skip with."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


class NamespaceUnavailable(Exception):
    """A network namespace cannot be created here (not root, or `ip netns add` refused)."""


@dataclass(frozen=True)
class Namespace:
    name: str
    host_veth: str
    host_address: str
    address: str

    def exec_prefix(self) -> list[str]:
        """The argv prefix that runs a command inside the namespace."""
        return ["ip", "netns", "exec", self.name]

    def link(self, up: bool) -> None:
        """Set the host side of the veth up or down: the namespace's only way out."""
        _ip("link", "set", self.host_veth, "up" if up else "down")


def _ip(*args: str) -> str:
    done = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=10)
    if done.returncode != 0:
        raise subprocess.CalledProcessError(done.returncode, ["ip", *args], done.stderr)
    return done.stdout


def _why(exc: Exception) -> str:
    stderr = getattr(exc, "stderr", None)
    return str(stderr).strip() if stderr else str(exc)


def _free_subnet() -> int:
    used = _ip("-o", "-4", "addr", "show")
    start = os.getpid() % 250
    for step in range(250):
        n = (start + step) % 250
        if f"10.231.{n}." not in used:
            return n
    raise NamespaceUnavailable("no free 10.231.n.0/30 subnet for the veth pair")


def _create(ns: Namespace) -> None:
    _ip("link", "add", ns.host_veth, "type", "veth", "peer", "name", f"{ns.name}n")
    _ip("link", "set", f"{ns.name}n", "netns", ns.name)
    _ip("addr", "add", f"{ns.host_address}/30", "dev", ns.host_veth)
    _ip("link", "set", ns.host_veth, "up")
    inside = ["netns", "exec", ns.name, "ip"]
    _ip(*inside, "addr", "add", f"{ns.address}/30", "dev", f"{ns.name}n")
    _ip(*inside, "link", "set", f"{ns.name}n", "up")
    _ip(*inside, "link", "set", "lo", "up")


def _remove(ns: Namespace) -> None:
    """Kill what still runs inside (only this test's processes can be there), then delete the
    namespace, which takes the veth pair with it."""
    with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
        for pid in _ip("netns", "pids", ns.name).split():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
    with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
        _ip("netns", "del", ns.name)
    with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
        _ip("link", "del", ns.host_veth)  # only if the pair never moved into the namespace


@contextmanager
def network_namespace() -> Iterator[Namespace]:
    """A fresh namespace with a veth pair to the host, removed afterwards whatever happens."""
    if os.geteuid() != 0:
        raise NamespaceUnavailable("network namespaces need root (CAP_NET_ADMIN); not root here")
    name = f"vgn{os.getpid() % 10**8}"  # names ≤ 15 characters: vgn<pid>h, vgn<pid>n
    try:
        n = _free_subnet()
        _ip("netns", "add", name)
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise NamespaceUnavailable(f"`ip netns add {name}` failed: {_why(exc)}") from exc
    ns = Namespace(name, f"{name}h", f"10.231.{n}.1", f"10.231.{n}.2")
    try:
        try:
            _create(ns)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise NamespaceUnavailable(f"no veth pair into {name}: {_why(exc)}") from exc
        yield ns
    finally:
        _remove(ns)
