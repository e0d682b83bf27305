"""The reference is a drop-in against real caches: langchain-community's and a real Redis.

Every model entry point (`generate`, `agenerate`, `invoke`, `ainvoke`, `batch`, `abatch`)
runs one workload twice against a fresh cache: once with langchain-core's helpers and once
with the reference's patched in, the cache given to the model (`cache=`) or set globally
(`set_llm_cache`). The outputs, the prompts the model was asked and the rows the cache holds
must be the same. The Redis backend is langchain-community's `RedisCache` for the sync
entry points and its `AsyncRedisCache` (on `redis.asyncio`) for the async ones, against the
session's `redis-server` (see tests/backends/redis_fixture.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import re
import socket
import sqlite3
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio
from langchain_core.caches import BaseCache
from langchain_core.caches import InMemoryCache as CoreInMemoryCache
from langchain_core.globals import set_llm_cache
from langchain_core.outputs import LLMResult

import llm_cache_reference
from experiment import benchmark
from experiment import redis_server as redis_servers
from experiment.redis_server import LatencyProxy, RedisServer, RedisServerError
from experiment.redis_server import redis_server as start_redis_server
from llm_cache_reference.demo import PrintingLLM
from llm_cache_reference.patching import patched_helpers
from tests.backends.redis_fixture import redis_server, unavailable

with warnings.catch_warnings():
    # langchain-community warns, on import, that it is being sunset.
    warnings.simplefilter("ignore", DeprecationWarning)
    from langchain_community.cache import AsyncRedisCache, RedisCache, SQLiteCache
    from langchain_community.cache import InMemoryCache as CommunityInMemoryCache

__all__ = ["redis_server"]

pytestmark = pytest.mark.filterwarnings(
    # langchain-community's lookups call langchain-core's `loads` without
    # `allowed_objects`, which warns. Raised as an error (as this project raises every
    # warning), it is caught inside the lookup, which then falls back to returning the
    # stored JSON itself as the generation's text: a hit with the wrong text.
    "ignore::langchain_core._api.deprecation.LangChainPendingDeprecationWarning"
)

# Repeats across batches are hits; a repeat inside one batch misses twice (both lookups
# come before any write), so the model answers it twice and the cache is written twice.
BATCHES: tuple[list[str], ...] = (["a", "b", "a"], ["b", "c"], ["c", "d", "d"], [])
PROMPTS = [prompt for batch in BATCHES for prompt in batch]
METHODS = ("generate", "agenerate", "invoke", "ainvoke", "batch", "abatch")
MODES = ("local", "global")
BACKENDS = ("sqlite", "community-in-memory", "core-in-memory", "redis")


@dataclass
class Store:
    """A fresh cache, and a way to read every row it holds, as plain data."""

    cache: BaseCache
    rows: Callable[[], list[Any]]


def _in_memory_rows(cache: Any) -> Callable[[], list[Any]]:
    def rows() -> list[Any]:
        return sorted((key, [g.text for g in value]) for key, value in cache._cache.items())

    return rows


@contextlib.contextmanager
def _sqlite_store(path: Path) -> Iterator[Store]:
    cache = SQLiteCache(database_path=str(path))

    def rows() -> list[Any]:
        with contextlib.closing(sqlite3.connect(path)) as db:
            return db.execute(
                "SELECT prompt, llm, idx, response FROM full_llm_cache ORDER BY prompt, llm, idx"
            ).fetchall()

    try:
        yield Store(cache, rows)
    finally:
        cache.engine.dispose()


def _redis_rows(server: RedisServer) -> Callable[[], list[Any]]:
    def rows() -> list[Any]:
        with redis.Redis.from_url(server.url) as client:
            return sorted((key, sorted(client.hgetall(key).items())) for key in client.scan_iter())

    return rows


@contextlib.asynccontextmanager
async def store(backend: str, method: str, workdir: Path, request: Any) -> AsyncIterator[Store]:
    """A fresh, empty cache of the given backend, suited to the method's flavour."""
    if backend == "sqlite":
        with _sqlite_store(workdir / "cache.sqlite3") as sqlite:
            yield sqlite
    elif backend == "community-in-memory":
        cache: BaseCache = CommunityInMemoryCache()
        yield Store(cache, _in_memory_rows(cache))
    elif backend == "core-in-memory":
        cache = CoreInMemoryCache()
        yield Store(cache, _in_memory_rows(cache))
    else:
        server: RedisServer = request.getfixturevalue("redis_server")
        with redis.Redis.from_url(server.url) as admin:
            admin.flushdb()
        if method.startswith("a"):
            async with redis.asyncio.Redis.from_url(server.url) as async_client:
                yield Store(AsyncRedisCache(async_client), _redis_rows(server))
        else:
            with redis.Redis.from_url(server.url) as client:
                yield Store(RedisCache(client), _redis_rows(server))


async def run_workload(method: str, llm: PrintingLLM) -> list[Any]:
    """Call the model's `method` on every batch (or, for invoke, every prompt), in order."""
    if method == "generate":
        return [_result(llm.generate(batch)) for batch in BATCHES]
    if method == "agenerate":
        return [_result(await llm.agenerate(batch)) for batch in BATCHES]
    if method == "invoke":
        return [llm.invoke(prompt) for prompt in PROMPTS]
    if method == "ainvoke":
        return [await llm.ainvoke(prompt) for prompt in PROMPTS]
    if method == "batch":
        return [llm.batch([*batch]) for batch in BATCHES]
    return [await llm.abatch([*batch]) for batch in BATCHES]


ANSWER = re.compile(r"answer \d+ to [a-d]")


def _texts(output: Any) -> Iterator[str]:
    """Every answer's text in a workload's outputs, however the method nests them."""
    if isinstance(output, str):
        yield output
    elif isinstance(output, dict):  # a dumped LLMResult, or one of its Generations
        yield from [output["text"]] if "text" in output else _texts(output["generations"])
    else:
        for item in output:
            yield from _texts(item)


def _result(result: LLMResult) -> Any:
    return result.model_dump(exclude={"run"})


@dataclass(frozen=True)
class Observed:
    """What one run of the workload produced."""

    outputs: list[Any]
    model_calls: list[list[str]]
    rows: list[Any]


async def observe(
    backend: str, mode: str, method: str, workdir: Path, request: pytest.FixtureRequest
) -> Observed:
    """Run the workload once against a fresh cache, with whichever helpers are in place."""
    async with store(backend, method, workdir, request) as fresh:
        if mode == "global":
            set_llm_cache(fresh.cache)
            llm = PrintingLLM()
        else:
            llm = PrintingLLM(cache=fresh.cache)
        try:
            outputs = await run_workload(method, llm)
        finally:
            set_llm_cache(None)
        return Observed(outputs, llm.calls, fresh.rows())


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("backend", BACKENDS)
async def test_the_reference_is_a_drop_in(
    backend: str,
    mode: str,
    method: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    (tmp_path / "langchain-core").mkdir()
    (tmp_path / "reference").mkdir()
    expected = await observe(backend, mode, method, tmp_path / "langchain-core", request)
    called: list[str] = []

    def noting(name: str, helper: Callable[..., Any]) -> Callable[..., Any]:
        def noted(*args: Any) -> Any:
            called.append(name)
            return helper(*args)

        return noted

    with patched_helpers(llm_cache_reference, wrap=noting):
        actual = await observe(backend, mode, method, tmp_path / "reference", request)
    assert actual == expected
    # The run went through the reference, and the cache did its job: some prompts were
    # served from it, and the rest were written to it.
    assert called[:2] == (
        ["aget_prompts", "aupdate_cache"] if method[0] == "a" else ["get_prompts", "update_cache"]
    )
    assert all(ANSWER.fullmatch(text) for text in _texts(expected.outputs))
    asked = sum(map(len, expected.model_calls))
    assert 0 < asked < len(PROMPTS)
    assert expected.rows


HOW_TO_SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "real_redis.py"
HOW_TO_OUTPUT = HOW_TO_SCRIPT.with_suffix(".txt")


def test_the_how_to_shows_what_its_script_prints(
    redis_server: RedisServer, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = importlib.util.spec_from_file_location("real_redis", HOW_TO_SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.main([redis_server.url])
    printed = capsys.readouterr().out
    if os.environ.get("RECORD_HOW_TO") == "1":
        HOW_TO_OUTPUT.write_text(printed, encoding="utf-8")
    assert printed == HOW_TO_OUTPUT.read_text(encoding="utf-8"), (
        "rerun with RECORD_HOW_TO=1 to record what the script prints now"
    )
    # Nothing in it depends on the machine: the server's port appears nowhere.
    assert str(redis_server.port) not in printed


# --- The server, the proxy and the benchmark's Redis path ---------------------------------


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
    except ConnectionRefusedError:
        return True
    return False


def test_the_server_stops_when_its_block_ends_even_by_an_error(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    ports: list[int] = []

    def fails_inside() -> None:
        with start_redis_server(tmp_path) as server:
            ports.append(server.port)
            assert not _refused(server.port)
            raise RuntimeError("inside")

    with pytest.raises(RuntimeError, match="inside"):
        fails_inside()
    assert _refused(ports[0])


def test_without_redis_server_tests_skip_but_fail_under_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RedisServerError, match="not on PATH") as raised:
        start_redis_server(tmp_path).__enter__()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(RedisServerError, match="not on PATH"):
        unavailable(raised.value)
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="needs Debian's redis-server"):
        unavailable(raised.value)


async def test_the_proxy_forwards_both_ways_and_closes(redis_server: RedisServer) -> None:
    proxy = LatencyProxy(redis_server.port, 0.001)
    async with proxy, redis.asyncio.Redis(port=proxy.port) as client:
        await client.set("proxied", "yes")
        # Many connections at once, as the concurrent write-back opens them.
        replies = await asyncio.gather(*(client.get("proxied") for _ in range(20)))
        await client.delete("proxied")
    assert replies == [b"yes"] * 20
    assert _refused(proxy.port)


async def test_the_redis_benchmark_refuses_a_write_back_that_leaves_writes_out(
    redis_server: RedisServer,
) -> None:
    async def writes_nothing(*args: object) -> None:
        return None

    async with benchmark.redis_caches(redis_server.port) as (caches, admin):
        assert list(caches) == list(benchmark.REDIS_DELAYS_MS)
        with pytest.raises(AssertionError, match="left writes out"):
            await benchmark.time_redis_write_back(writes_nothing, 3, caches[0], admin)
        for cache in caches.values():
            for function in benchmark.IMPLEMENTATIONS.values():
                assert await benchmark.time_redis_write_back(function, 3, cache, admin) > 0
        await admin.flushdb()


def test_a_port_taken_before_the_server_binds_it_is_given_up_for_another(
    redis_server: RedisServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as squatter:
        taken = squatter.getsockname()[1]
        ports = iter([taken, redis_servers.free_port()])
        monkeypatch.setattr(redis_servers, "free_port", lambda: next(ports))
        with start_redis_server(tmp_path) as server:
            assert server.port != taken
            assert not _refused(server.port)
