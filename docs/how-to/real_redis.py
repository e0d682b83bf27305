"""The async twins against a real Redis, through langchain-community's AsyncRedisCache.

    python docs/how-to/real_redis.py redis://127.0.0.1:PORT/0

Point it at a throwaway server: it empties the database first. It prints each send
the client makes (one send is one round trip: the client waits for the reply before
it sends again), checks them against what the server itself saw (`MONITOR`), and then
shows what a real backend changes: what a lookup builds from the stored bytes, and
what a failed write leaves behind. tests/test_real_backends.py runs it against the
tests' own server and compares what it prints with docs/how-to/real_redis.txt.
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
    warnings.simplefilter("ignore", DeprecationWarning)  # "langchain-community is being sunset"
    from langchain_community.cache import AsyncRedisCache
    from langchain_community.cache import logger as cache_module_logger


# --8<-- [start:log]
def commands_in(packed: bytes) -> list[list[str]]:
    """Split what one send carries into its commands (Redis's wire format, RESP)."""
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

    sends: list[list[list[str]]] = []  # noqa: RUF012 (one log for every connection)
    shown = False

    async def send_packed_command(
        self, command: bytes | str | Iterable[bytes], check_health: bool = True
    ) -> None:
        """Note the commands, print them, then send them as the client would."""
        packed = command.encode() if isinstance(command, str) else command
        commands = commands_in(packed if isinstance(packed, bytes) else b"".join(packed))
        self.sends.append(commands)
        if self.shown:
            print(f"  send {len(self.sends)}:", " | ".join(map(short, commands)))
        await super().send_packed_command(command, check_health)


def short(command: list[str]) -> str:
    """A command, each long word cut to 16 characters, so a line fits the page."""
    return " ".join(word if len(word) <= 16 else word[:13] + "..." for word in command)


# --8<-- [end:log]


def texts(found: dict[int, list[Generation]]) -> dict[int, list[str]]:
    return {i: [generation.text for generation in found[i]] for i in sorted(found)}


async def run(url: str) -> None:
    """Everything the how-to shows, against the Redis at `url`."""
    admin = redis.asyncio.Redis.from_url(url, decode_responses=True)
    await admin.flushdb()
    pool = redis.asyncio.ConnectionPool.from_url(url, connection_class=LoggedConnection)
    client = redis.asyncio.Redis(connection_pool=pool)
    await client.ping()  # connects (and introduces itself) before the log starts
    sentinel = admin.client()  # one connection of its own, connected before MONITOR starts
    await sentinel.ping()
    LoggedConnection.sends.clear()
    LoggedConnection.shown = True

    # --8<-- [start:twins]
    cache = AsyncRedisCache(client)
    params, prompts = {"model": "m"}, ["a", "b", "c"]
    answers = LLMResult(generations=[[Generation(text=f"new {p}")] for p in prompts])

    async with admin.monitor() as monitor:
        print("aget_prompts:")
        found, llm_string, missing, _ = await aget_prompts(params, prompts, cache)
        print("aupdate_cache:")
        await aupdate_cache(cache, found, llm_string, missing, answers, prompts)
        print("aget_prompts again:")
        found_again, *_ = await aget_prompts(params, prompts, cache)
        await sentinel.echo("end of the run")
        seen = []
        while (command := await monitor.next_command())["command"] != "ECHO end of the run":
            seen.append(command["command"])
    # --8<-- [end:twins]
    LoggedConnection.shown = False
    print("hits after the write-back:", texts(found_again))
    sent = [" ".join(command) for commands in LoggedConnection.sends for command in commands]
    same = sent == seen
    print(f"MONITOR saw the same {len(seen)} commands, in the same order: {same}")

    # --8<-- [start:stored]
    key = AsyncRedisCache._key("a", llm_string)
    print(f"HGETALL {short([key])}:")
    pprint.pprint({field: json.loads(value) for field, value in (await admin.hgetall(key)).items()})
    found_a = await cache.alookup("a", llm_string)
    print("alookup('a') builds a", type(found_a).__name__ + ":", found_a)
    # --8<-- [end:stored]

    # --8<-- [start:tuple]
    class TupleRedisCache(AsyncRedisCache):
        """Deserialises into a tuple: every lookup is a miss, though Redis has the entry."""

        async def alookup(self, prompt: str, llm_string: str) -> Any:
            found = await super().alookup(prompt, llm_string)
            return None if found is None else tuple(found)

    tuple_cache = TupleRedisCache(client)
    print("alookup('a') builds a", type(await tuple_cache.alookup("a", llm_string)).__name__)
    found, _, missing, _ = await aget_prompts(params, prompts, tuple_cache)
    print("hits:", texts(found), "misses:", missing)
    # --8<-- [end:tuple]

    # --8<-- [start:failure]
    await admin.flushdb()
    # Make the write of 'b' fail: its key already holds a string, not a hash.
    await admin.set(AsyncRedisCache._key("b", llm_string), "not a hash")
    found, _, missing, _ = await aget_prompts(params, prompts, cache)
    await aupdate_cache(cache, found, llm_string, missing, answers, prompts)
    print("aupdate_cache returned; found:", texts(found))
    found_again, *_ = await aget_prompts(params, prompts, cache)
    print("hits after the write-back:", texts(found_again))
    # --8<-- [end:failure]

    await client.aclose()
    await pool.aclose()
    await sentinel.aclose()
    await admin.aclose()


class PrintedLog(logging.Handler):
    """Prints each log record on one line that fits the page."""

    def emit(self, record: logging.LogRecord) -> None:
        line = f"log: {record.levelname}: {record.getMessage()}"
        print(line if len(line) <= 78 else line[:75] + "...")


def main(argv: list[str]) -> None:
    # AsyncRedisCache logs a failed write (and goes on): print its log with the rest.
    # (Its logger is named after the module's file path, so take the object itself.)
    handler = PrintedLog()
    cache_module_logger.addHandler(handler)
    cache_module_logger.propagate = False
    try:
        with warnings.catch_warnings():
            # langchain-community calls langchain-core's `loads` without `allowed_objects`.
            warnings.simplefilter("ignore", LangChainPendingDeprecationWarning)
            asyncio.run(run(argv[0]))
    finally:
        cache_module_logger.removeHandler(handler)
        cache_module_logger.propagate = True


if __name__ == "__main__":
    main(sys.argv[1:])
