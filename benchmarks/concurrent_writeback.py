"""Time the sequential write-back against the concurrent experiment, and save the samples.

Three implementations write N generation lists back to a cache: langchain-core's own
`aupdate_cache`, the reference's, and `aupdate_cache_concurrent`. The cache's `aupdate`
sleeps for a set latency before it stores, as a round trip to a networked cache would;
with a latency of 0 it does not await at all, so what is left is the cost of the
machinery (a coroutine per write, and for the concurrent version a task per write).

Every repetition runs every size with every implementation, in a rotating order, so
the three share the machine's noise. The samples, the settings and a description of
the machine go to a JSON file; `benchmarks.concurrent_writeback_page` turns that file
into the docs page's tables and chart (and is run at the end).

Run it with `make benchmark`, or `python -m benchmarks.concurrent_writeback --help`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Any

from langchain_core.caches import BaseCache
from langchain_core.language_models import llms as langchain_llms
from langchain_core.outputs import Generation, LLMResult
from typing_extensions import override

import llm_cache_reference
from benchmarks import concurrent_writeback_page
from llm_cache_reference.experimental import aupdate_cache_concurrent

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


def machine() -> dict[str, Any]:
    """Describe the machine and the software the samples come from."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "langchain_core": version("langchain-core"),
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
    }


def _cpu_model() -> str:
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor() or "unknown"
    for line in cpuinfo.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


async def run(latency_ms: float, repetitions: int, overhead_repetitions: int) -> dict[str, Any]:
    """Take every sample, and return them with the settings and the machine."""
    started = time.perf_counter()
    data: dict[str, Any] = {
        "machine": machine(),
        "taken": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "settings": {
            "latency_ms": latency_ms,
            "repetitions": repetitions,
            "overhead_repetitions": overhead_repetitions,
            "overhead_writes_per_sample": OVERHEAD_WRITES_PER_SAMPLE,
            "sizes": list(SIZES),
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
    parser.add_argument("--output", type=Path, default=DATA_FILE, help="the JSON file")
    parser.add_argument(
        "--no-render", action="store_true", help="do not re-render the docs page and chart"
    )
    args = parser.parse_args(argv)
    data = asyncio.run(run(args.latency_ms, args.repetitions, args.overhead_repetitions))
    args.output.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.output} after {data['duration_s']} s\n")
    for part in (
        concurrent_writeback_page.latency_table,
        concurrent_writeback_page.overhead_table,
        concurrent_writeback_page.goal_block,
    ):
        print(part(data), end="\n\n")
    if not args.no_render:
        concurrent_writeback_page.main([])


if __name__ == "__main__":
    main()
