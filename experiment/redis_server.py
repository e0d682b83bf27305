"""A throwaway Redis on 127.0.0.1, and a TCP proxy that adds latency in front of it.

`redis_server` starts Debian's `redis-server` on a free loopback port, with no
persistence (`--save ''`, `--appendonly no`) and its files in a directory of the
caller's, and stops it on the way out, whatever happened inside. `LatencyProxy`
forwards a loopback port to another one, holding back every chunk it forwards, in
either direction, for a set delay: a round trip through it costs twice that delay
more than a direct one. The tests, the how-to's example and the benchmark use both.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

__all__ = ["LatencyProxy", "RedisServer", "RedisServerError", "redis_server"]

HOST = "127.0.0.1"
EXECUTABLE = "redis-server"
STARTUP_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0
START_ATTEMPTS = 3


class RedisServerError(RuntimeError):
    """`redis-server` is missing, or did not start."""


@dataclass(frozen=True)
class RedisServer:
    """A running server: where to reach it."""

    host: str
    port: int

    @property
    def url(self) -> str:
        """The `redis://` URL of database 0."""
        return f"redis://{self.host}:{self.port}/0"


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def redis_server(directory: Path) -> Iterator[RedisServer]:
    """Run `redis-server` on 127.0.0.1 for the length of the `with` block.

    Args:
        directory: Where the server runs and writes its log; it keeps no data there.

    Raises:
        RedisServerError: `redis-server` is not on PATH, or it did not answer in time
            (its log is in the message).
    """
    executable = shutil.which(EXECUTABLE)
    if executable is None:
        raise RedisServerError(
            f"{EXECUTABLE} is not on PATH (Debian: apt-get install redis-server)"
        )
    log = directory / "redis.log"
    # A free port can be taken between the probe and the server's bind: try another.
    for attempt in range(START_ATTEMPTS):
        port = free_port()
        process = _start(executable, port, directory, log)
        try:
            _wait_until_it_answers(process, port, log)
        except RedisServerError:
            _stop(process)
            if attempt + 1 == START_ATTEMPTS:
                raise
        else:
            break
    try:
        yield RedisServer(HOST, port)
    finally:
        _stop(process)


def _start(executable: str, port: int, directory: Path, log: Path) -> subprocess.Popen[bytes]:
    command = [
        executable,
        *("--bind", HOST, "--port", str(port), "--dir", str(directory)),
        *("--save", "", "--appendonly", "no", "--logfile", str(log)),
        *("--daemonize", "no", "--protected-mode", "yes"),
    ]
    # util-linux's setpriv (in every Debian) execs the server asking the kernel for a
    # SIGTERM when this process dies: the server goes even if this process is killed
    # outright and no `finally` runs.
    if setpriv := shutil.which("setpriv"):
        command = [setpriv, "--pdeathsig", "TERM", *command]
    return subprocess.Popen(command, stdin=subprocess.DEVNULL)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_until_it_answers(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), 0.5) as client:
            client.sendall(b"PING\r\n")
            # Ours, not another server's that holds the port: ours is still running.
            if client.recv(16).startswith(b"+PONG") and process.poll() is None:
                return
        time.sleep(0.05)
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else "(no log)"
    raise RedisServerError(f"{EXECUTABLE} did not answer on port {port}:\n{text}")


class LatencyProxy:
    """Forward 127.0.0.1:`port` to `target_port`, each chunk held back `delay_s` seconds.

    Chunks keep their order, and a connection's later chunks are read while earlier
    ones wait, so the delay adds to each round trip without capping throughput.
    Use it as `async with LatencyProxy(target_port, 0.001) as proxy:`.
    """

    def __init__(self, target_port: int, delay_s: float) -> None:
        self.target_port = target_port
        self.delay_s = delay_s
        self.port = 0
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> LatencyProxy:
        self._server = await asyncio.start_server(self._connect, HOST, 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.close()
        for pipe in self._pipes:
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)
        await self._server.wait_closed()

    async def _connect(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        server_in, server_out = await asyncio.open_connection(HOST, self.target_port)
        for source, sink in ((client_in, server_out), (server_in, client_out)):
            pipe = asyncio.create_task(self._pipe(source, sink))
            self._pipes.add(pipe)
            pipe.add_done_callback(self._pipes.discard)

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        loop = asyncio.get_running_loop()
        sender = asyncio.create_task(self._send_when_due(queue, sink))
        try:
            while chunk := await source.read(65536):
                queue.put_nowait((loop.time() + self.delay_s, chunk))
            queue.put_nowait((loop.time() + self.delay_s, b""))
            await sender
        finally:
            sender.cancel()
            sink.close()

    @staticmethod
    async def _send_when_due(
        queue: asyncio.Queue[tuple[float, bytes]], sink: asyncio.StreamWriter
    ) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due, chunk = await queue.get()
            await asyncio.sleep(max(0.0, due - loop.time()))
            if not chunk:
                return
            sink.write(chunk)
            await sink.drain()
