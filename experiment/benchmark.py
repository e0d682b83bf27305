"""Time the sequential write-back against the concurrent experiment, and save the samples.

Three implementations write N generation lists back to a cache: langchain-core's own
`aupdate_cache`, the reference's, and `aupdate_cache_concurrent`. The cache's `aupdate`
sleeps for a set latency before it stores, as a round trip to a networked cache would;
with a latency of 0 it does not await at all, so what is left is the cost of the
machinery (a coroutine per write, and for the concurrent version a task per write).

Then the same three write to a real Redis, through langchain-community's
`AsyncRedisCache` on `redis.asyncio`: a `redis-server` of the benchmark's own on
127.0.0.1, reached directly (loopback latency) and through a small TCP proxy that holds
back every chunk it forwards, each way, by 1 ms or by 5 ms (`experiment.redis_server`).

Every repetition runs every size with every implementation, in a rotating order, so
the three share the machine's noise (against Redis, every added delay too). The
samples, the settings and a description of the machine (nothing host-specific) go to
a JSON file; `experiment.page` turns that file into the docs
page's tables and chart (and is run at the end).

Run it with `make benchmark`, or `python -m experiment.benchmark --help`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import platform
import subprocess
import tempfile
import time
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import redis.asyncio
from langchain_core._api.deprecation import LangChainPendingDeprecationWarning
from langchain_core.caches import BaseCache
from langchain_core.language_models import llms as langchain_llms
from langchain_core.outputs import Generation, LLMResult
from typing_extensions import override

import llm_cache_reference
from experiment import page as concurrent_writeback_page
from experiment.experimental import aupdate_cache_concurrent
from experiment.redis_server import LatencyProxy, redis_server

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # "langchain-community is being sunset"
    from langchain_community.cache import AsyncRedisCache

WriteBack = Callable[..., Awaitable[Any]]
IMPLEMENTATIONS: dict[str, WriteBack] = {
    "langchain-core": langchain_llms.aupdate_cache,
    "reference": llm_cache_reference.aupdate_cache,
    "concurrent": aupdate_cache_concurrent,
}
SIZES = (1, 10, 100, 1000)
DATA_FILE = Path(__file__).with_name("concurrent_writeback.json")
# With no latency one call is microseconds long: time a batch of calls per sample, so
# each sample lasts milliseconds, far above the clock's resolution.
OVERHEAD_WRITES_PER_SAMPLE = 5000
# Against Redis the concurrent write-back opens one connection per write in flight.
REDIS_SIZES = (1, 10, 100)
REDIS_DELAYS_MS = (0, 1, 5)


class LatencyCache(BaseCache):
    """A dict-backed cache whose every async write takes `latency` seconds."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.store: dict[tuple[str, str], Any] = {}

    @override
    def lookup(self, prompt: str, llm_string: str) -> Any:
        return self.store.get((prompt, llm_string))

    @override
    def update(self, prompt: str, llm_string: str, return_val: Any) -> None:
        self.store[prompt, llm_string] = return_val

    @override
    async def aupdate(self, prompt: str, llm_string: str, return_val: Any) -> None:
        if self.latency:
            await asyncio.sleep(self.latency)
        self.store[prompt, llm_string] = return_val

    @override
    def clear(self, **kwargs: Any) -> None:
        self.store.clear()


async def time_write_back(function: WriteBack, size: int, latency: float, calls: int) -> float:
    """Return the mean wall time of one call writing `size` misses back, over `calls` calls.

    Inputs are built before the clock starts; the garbage collector is off while it
    runs, as in `timeit`. Raises if any call left a write out.
    """
    prompts = [f"prompt {i}" for i in range(size)]
    indices = list(range(size))
    results = LLMResult(generations=[[Generation(text=f"answer {i}")] for i in range(size)])
    caches = [LatencyCache(latency) for _ in range(calls)]
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        for cache in caches:
            await function(cache, {}, "llm-string", indices, results, prompts)
        elapsed = time.perf_counter() - start
    finally:
        gc.enable()
    if any(len(cache.store) != size for cache in caches):
        raise AssertionError(f"{function.__module__}.{function.__name__} left writes out")
    return elapsed / calls


async def time_redis_write_back(
    function: WriteBack, size: int, cache: AsyncRedisCache, admin: redis.asyncio.Redis
) -> float:
    """Return the wall time of one call writing `size` misses back to Redis.

    The database is emptied before the clock starts and counted after it stops:
    `AsyncRedisCache` logs a failed write instead of raising, so a write left out would
    otherwise go unseen. Raises if any is.
    """
    prompts = [f"prompt {i}" for i in range(size)]
    results = LLMResult(generations=[[Generation(text=f"answer {i}")] for i in range(size)])
    await admin.flushdb()
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        await function(cache, {}, "llm-string", list(range(size)), results, prompts)
        elapsed = time.perf_counter() - start
    finally:
        gc.enable()
    if await admin.dbsize() != size:
        raise AssertionError(f"{function.__module__}.{function.__name__} left writes out")
    return elapsed


@contextlib.asynccontextmanager
async def redis_caches(port: int) -> AsyncIterator[tuple[dict[int, AsyncRedisCache], Any]]:
    """A cache per added delay, on clients reaching the server at `port`, and an admin client.

    Delay 0 is a direct connection; the others go through a `LatencyProxy`.
    """
    async with contextlib.AsyncExitStack() as stack:
        admin = redis.asyncio.Redis(port=port)
        stack.push_async_callback(admin.aclose)
        caches = {}
        for delay_ms in REDIS_DELAYS_MS:
            reach = port
            if delay_ms:
                proxy = await stack.enter_async_context(LatencyProxy(port, delay_ms / 1000))
                reach = proxy.port
            client = redis.asyncio.Redis(port=reach)
            stack.push_async_callback(client.aclose)
            caches[delay_ms] = AsyncRedisCache(client)
        yield caches, admin


async def run_redis(repetitions: int) -> dict[str, Any]:
    """Time every implementation against a real Redis at every added delay."""
    names = list(IMPLEMENTATIONS)
    samples: dict[str, dict[str, dict[str, list[float]]]] = {
        str(delay): {name: {str(size): [] for size in REDIS_SIZES} for name in names}
        for delay in REDIS_DELAYS_MS
    }
    with (
        tempfile.TemporaryDirectory() as directory,
        redis_server(Path(directory)) as server,
        warnings.catch_warnings(),
    ):
        # langchain-community calls langchain-core's `loads` without `allowed_objects`.
        warnings.simplefilter("ignore", LangChainPendingDeprecationWarning)
        async with redis_caches(server.port) as (caches, admin):
            # Open the connections the largest concurrent write-back needs, and warm up.
            for cache in caches.values():
                for function in IMPLEMENTATIONS.values():
                    await time_redis_write_back(function, max(REDIS_SIZES), cache, admin)
            for repetition in range(repetitions):
                shift = repetition % len(names)
                for delay, cache in caches.items():
                    for size in REDIS_SIZES:
                        for name in names[shift:] + names[:shift]:
                            seconds = await time_redis_write_back(
                                IMPLEMENTATIONS[name], size, cache, admin
                            )
                            samples[str(delay)][name][str(size)].append(seconds)
                print(f"redis: repetition {repetition + 1} of {repetitions} done", flush=True)
    return samples


def machine() -> dict[str, Any]:
    """Describe the machine and the software the samples come from (nothing host-specific)."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "langchain_core": version("langchain-core"),
        "langchain_community": version("langchain-community"),
        "redis_py": version("redis"),
        "redis_server": _redis_server_version(),
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
    }


def _redis_server_version() -> str:
    try:
        shown = subprocess.run(
            ["redis-server", "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "not installed"
    # "Redis server v=7.0.15 sha=... malloc=... bits=64 build=..."
    fields = dict(word.split("=", 1) for word in shown.split() if "=" in word)
    return fields.get("v", "unknown")


def _cpu_model() -> str:
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor() or "unknown"
    for line in cpuinfo.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


async def run(
    latency_ms: float, repetitions: int, overhead_repetitions: int, redis_repetitions: int
) -> dict[str, Any]:
    """Take every sample, and return them with the settings and the machine."""
    started = time.perf_counter()
    data: dict[str, Any] = {
        "machine": machine(),
        "taken": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "settings": {
            "latency_ms": latency_ms,
            "repetitions": repetitions,
            "overhead_repetitions": overhead_repetitions,
            "overhead_writes_per_sample": OVERHEAD_WRITES_PER_SAMPLE,
            "sizes": list(SIZES),
            "redis_repetitions": redis_repetitions,
            "redis_sizes": list(REDIS_SIZES),
            "redis_delays_ms": list(REDIS_DELAYS_MS),
        },
    }
    names = list(IMPLEMENTATIONS)
    for key, latency, reps in (
        ("latency", latency_ms / 1000, repetitions),
        ("overhead", 0.0, overhead_repetitions),
    ):
        samples: dict[str, dict[str, list[float]]] = {
            name: {str(size): [] for size in SIZES} for name in names
        }
        for repetition in range(reps):
            for size in SIZES:
                calls = max(1, OVERHEAD_WRITES_PER_SAMPLE // size) if latency == 0 else 1
                # Rotate who goes first, so no implementation always runs on a warm
                # (or a cold) machine.
                shift = repetition % len(names)
                for name in names[shift:] + names[:shift]:
                    seconds = await time_write_back(IMPLEMENTATIONS[name], size, latency, calls)
                    samples[name][str(size)].append(seconds)
            print(f"{key}: repetition {repetition + 1} of {reps} done", flush=True)
        data[key] = samples
    if redis_repetitions:
        data["redis"] = await run_redis(redis_repetitions)
    data["machine"]["load_average_at_end"] = [round(load, 2) for load in os.getloadavg()]
    data["duration_s"] = round(time.perf_counter() - started, 1)
    return data


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, run the benchmark, save the data, render the docs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=5.0, help="per-write latency")
    parser.add_argument("--repetitions", type=int, default=7, help="samples per point")
    parser.add_argument(
        "--overhead-repetitions", type=int, default=15, help="samples per point, no latency"
    )
    parser.add_argument(
        "--redis-repetitions",
        type=int,
        default=7,
        help="samples per point against Redis (needs redis-server; 0: skip)",
    )
    parser.add_argument("--output", type=Path, default=DATA_FILE, help="the JSON file")
    parser.add_argument(
        "--no-render", action="store_true", help="do not re-render the docs page and chart"
    )
    args = parser.parse_args(argv)
    data = asyncio.run(
        run(args.latency_ms, args.repetitions, args.overhead_repetitions, args.redis_repetitions)
    )
    args.output.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.output} after {data['duration_s']} s\n")
    for part in (
        concurrent_writeback_page.latency_table,
        concurrent_writeback_page.overhead_table,
        concurrent_writeback_page.goal_block,
        concurrent_writeback_page.redis_table,
    ):
        print(part(data), end="\n\n")
    if not args.no_render:
        concurrent_writeback_page.main([])


if __name__ == "__main__":
    main()
