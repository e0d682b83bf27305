"""The async twins against a real Redis, through langchain-community's cache.

    python docs/how-to/real_redis.py redis://127.0.0.1:PORT/0

Point it at a throwaway server: it empties the database first. It prints each
send the client makes (one send is one round trip: the client waits for the
reply before it sends again), checks them against what the server itself saw
(`MONITOR`), and then shows what a real backend changes: what a lookup builds
from the stored bytes, and what a failed write leaves behind. The tests run it
against their own server and compare what it prints with real_redis.txt.
"""

from __future__ import annotations

import asyncio
import json
import logging
import pprint
import sys
import warnings
from collections.abc import Iterable
from typing import Any

import redis.asyncio
from langchain_core._api.deprecation import LangChainPendingDeprecationWarning
from langchain_core.outputs import Generation, LLMResult

from llm_cache_reference import aget_prompts, aupdate_cache

with warnings.catch_warnings():
    # "langchain-community is being sunset", on import.
    warnings.simplefilter("ignore", DeprecationWarning)
    from langchain_community.cache import AsyncRedisCache
    from langchain_community.cache import logger as cache_module_logger


# --8<-- [start:log]
def commands_in(packed: bytes) -> list[list[str]]:
    """Split one send into its commands (Redis's wire format, RESP)."""
    commands, at = [], 0
    while at < len(packed):
        end = packed.index(b"\r\n", at)  # *<number of words>
        words, at = int(packed[at + 1 : end]), end + 2
        command = []
        for _ in range(words):
            end = packed.index(b"\r\n", at)  # $<length of the word>
            length, at = int(packed[at + 1 : end]), end + 2
            command.append(packed[at : at + length].decode())
            at += length + 2
        commands.append(command)
    return commands


class LoggedConnection(redis.asyncio.Connection):
    """A client connection that notes the commands of every send it makes."""

    sends: list[list[list[str]]] = []  # noqa: RUF012 (one log for all)
    shown = False

    async def send_packed_command(
        self,
        command: bytes | str | Iterable[bytes],
        check_health: bool = True,
    ) -> None:
        """Note the commands, print them, then send them as usual."""
        packed = command.encode() if isinstance(command, str) else command
        if not isinstance(packed, bytes):
            packed = b"".join(packed)
        self.sends.append(commands_in(packed))
        if self.shown:
            shown = " | ".join(map(short, self.sends[-1]))
            print(f"  send {len(self.sends)}: {shown}")
        await super().send_packed_command(command, check_health)


def short(command: list[str]) -> str:
    """A command with each long word cut short, so a line fits the page."""
    cut = [word if len(word) <= 16 else word[:13] + "..." for word in command]
    return " ".join(cut)


# --8<-- [end:log]


def texts(found: dict[int, list[Generation]]) -> dict[int, list[str]]:
    return {i: [g.text for g in found[i]] for i in sorted(found)}


async def run(url: str) -> None:
    """Everything the how-to shows, against the Redis at `url`."""
    # --8<-- [start:twins]
    pool = redis.asyncio.ConnectionPool.from_url(
        url,
        connection_class=LoggedConnection,
    )
    client = redis.asyncio.Redis(connection_pool=pool)
    await client.ping()  # connects, and introduces itself, before the log
    admin = redis.asyncio.Redis.from_url(url, decode_responses=True)
    await admin.flushdb()
    marker = admin.client()  # a connection of its own, to mark the end
    await marker.ping()
    LoggedConnection.sends.clear()
    LoggedConnection.shown = True

    cache = AsyncRedisCache(client)
    params, prompts = {"model": "m"}, ["a", "b", "c"]
    new = [[Generation(text=f"new {p}")] for p in prompts]
    answers = LLMResult(generations=new)

    async with admin.monitor() as monitor:
        print("aget_prompts:")
        found, llm_string, idxs, _ = await aget_prompts(params, prompts, cache)
        print("aupdate_cache:")
        await aupdate_cache(cache, found, llm_string, idxs, answers, prompts)
        print("aget_prompts again:")
        found_again, *_ = await aget_prompts(params, prompts, cache)
        end = "ECHO end of the run"
        await marker.echo("end of the run")
        seen = []
        while (heard := (await monitor.next_command())["command"]) != end:
            seen.append(heard)
    LoggedConnection.shown = False
    print("hits after the write-back:", texts(found_again))
    sends = LoggedConnection.sends
    sent = [" ".join(command) for send in sends for command in send]
    print(
        f"MONITOR saw the same {len(seen)} commands, in the same order:",
        sent == seen,
    )
    # --8<-- [end:twins]

    # --8<-- [start:stored]
    key = AsyncRedisCache._key("a", llm_string)
    stored = await admin.hgetall(key)
    print(f"HGETALL {short([key])}:")
    pprint.pprint({name: json.loads(value) for name, value in stored.items()})
    found_a = await cache.alookup("a", llm_string)
    print(f"alookup('a') builds a {type(found_a).__name__}: {found_a}")
    # --8<-- [end:stored]

    await build_a_tuple(client, llm_string, params, prompts)
    await fail_a_write(admin, cache, llm_string, params, prompts, answers)
    for connection in (client, pool, marker, admin):
        await connection.aclose()


async def build_a_tuple(
    client: redis.asyncio.Redis,
    llm_string: str,
    params: dict[str, Any],
    prompts: list[str],
) -> None:
    """A backend whose lookup builds a tuple: every lookup a miss."""

    # --8<-- [start:tuple]
    class TupleRedisCache(AsyncRedisCache):
        """Builds a tuple: every lookup a miss, though Redis has the entry."""

        async def alookup(self, prompt: str, llm_string: str) -> Any:
            found = await super().alookup(prompt, llm_string)
            return None if found is None else tuple(found)

    tuple_cache = TupleRedisCache(client)
    found_a = await tuple_cache.alookup("a", llm_string)
    print(f"alookup('a') builds a {type(found_a).__name__}")
    found, _, idxs, _ = await aget_prompts(params, prompts, tuple_cache)
    print("hits:", texts(found), "misses:", idxs)
    # --8<-- [end:tuple]


async def fail_a_write(
    admin: redis.asyncio.Redis,
    cache: AsyncRedisCache,
    llm_string: str,
    params: dict[str, Any],
    prompts: list[str],
    answers: LLMResult,
) -> None:
    """The write-back, with the write of 'b' failing on the server."""
    # --8<-- [start:failure]
    await admin.flushdb()
    # Make the write of 'b' fail: its key holds a string, not a hash.
    await admin.set(AsyncRedisCache._key("b", llm_string), "not a hash")
    found, _, idxs, _ = await aget_prompts(params, prompts, cache)
    await aupdate_cache(cache, found, llm_string, idxs, answers, prompts)
    print("aupdate_cache returned; found:", texts(found))
    found_again, *_ = await aget_prompts(params, prompts, cache)
    print("hits after the write-back:", texts(found_again))
    # --8<-- [end:failure]


class PrintedLog(logging.Handler):
    """Prints each log record on one line that fits the page."""

    def emit(self, record: logging.LogRecord) -> None:
        line = f"log: {record.levelname}: {record.getMessage()}"
        print(line if len(line) <= 78 else line[:75] + "...")


def main(argv: list[str]) -> None:
    # AsyncRedisCache logs a failed write (and goes on): print its log too.
    # (Its logger is named after the module's file path: take the object.)
    handler = PrintedLog()
    cache_module_logger.addHandler(handler)
    cache_module_logger.propagate = False
    try:
        with warnings.catch_warnings():
            # langchain-community calls `loads` without `allowed_objects`.
            warnings.simplefilter("ignore", LangChainPendingDeprecationWarning)
            asyncio.run(run(argv[0]))
    finally:
        cache_module_logger.removeHandler(handler)
        cache_module_logger.propagate = True


if __name__ == "__main__":
    main(sys.argv[1:])
