"""A TCP proxy (on 127.0.0.1 unless told another local address) that a test can cut (every
connection closed, new ones refused) and restore on the same port: a database or Redis that goes
away and comes back, or a server that another network namespace reaches through a veth."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from tests.support.service import free_port


class TcpProxy:
    def __init__(
        self, target_host: str, target_port: int, port: int, bind_host: str = "127.0.0.1"
    ) -> None:
        self.target = (target_host, target_port)
        self.port = port
        self.bind_host = bind_host
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    def start(self) -> None:
        self.thread.start()
        self._run(self._listen())

    def _run(self, coro: object) -> None:
        asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=10)  # type: ignore[arg-type]

    async def _listen(self) -> None:
        self.server = await asyncio.start_server(self._client, self.bind_host, self.port)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()
        self.writers.discard(writer)

    async def _cut(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()

    def cut(self) -> None:
        """Close every connection and refuse new ones."""
        self._run(self._cut())

    def restore(self) -> None:
        """Accept connections again, on the same port."""
        self._run(self._listen())

    def stop(self) -> None:
        self._run(self._cut())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


@contextmanager
def running_proxy(
    target_host: str, target_port: int, port: int, bind_host: str = "127.0.0.1"
) -> Iterator[TcpProxy]:
    proxy = TcpProxy(target_host, target_port, port, bind_host)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()


@contextmanager
def proxied_url(url: str, bind_host: str = "127.0.0.1") -> Iterator[tuple[TcpProxy, str]]:
    """A proxy in front of the server of a database or Redis URL, and the same URL through it
    (user and path kept): the proxy to cut, the URL to hand to the processes."""
    real = urlsplit(url)
    default_port = 6379 if real.scheme.startswith("redis") else 5432
    user = f"{real.username}@" if real.username else ""
    with running_proxy(real.hostname or "127.0.0.1", real.port or default_port, free_port(),
                       bind_host) as proxy:  # fmt: skip
        yield proxy, url.replace(real.netloc, f"{user}{bind_host}:{proxy.port}")
