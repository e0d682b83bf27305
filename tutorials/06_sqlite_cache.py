"""Tutorial 06: a persistent cache on the standard library's sqlite3.

A cache is any `BaseCache` subclass with `lookup`, `update` and `clear`. This
one keeps generations in a SQLite file, so answers outlive the process: run
the script twice and the second run is served from the file, with no model
call. Generations are stored as JSON (never pickle, which can run code when
read back), and every query passes its values as parameters, never by
building SQL text from them.

    python tutorials/06_sqlite_cache.py [DATABASE]

DATABASE defaults to $LLM_CACHE_TUTORIAL_DB, or llm-cache-tutorial.sqlite3 in
the current directory. Delete the file to start afresh.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import textwrap
from pathlib import Path

from langchain_core.caches import RETURN_VAL_TYPE, BaseCache
from langchain_core.language_models.fake import FakeListLLM
from langchain_core.outputs import Generation
from typing_extensions import override


# --8<-- [start:cache]
class SQLiteCache(BaseCache):
    """Generations as JSON in a SQLite table, keyed by prompt, llm_string."""

    def __init__(self, path: str) -> None:
        self.connection = sqlite3.connect(path)
        with self.connection:
            self.connection.execute(
                "CREATE TABLE IF NOT EXISTS generations ("
                " prompt TEXT NOT NULL, llm_string TEXT NOT NULL,"
                " generations TEXT NOT NULL,"
                " PRIMARY KEY (prompt, llm_string))"
            )

    @override
    def lookup(self, prompt: str, llm_string: str) -> RETURN_VAL_TYPE | None:
        row = self.connection.execute(
            "SELECT generations FROM generations"
            " WHERE prompt = ? AND llm_string = ?",
            (prompt, llm_string),
        ).fetchone()
        if row is None:
            return None  # a miss: anything that is not a list is one
        return [Generation.model_validate(item) for item in json.loads(row[0])]

    @override
    def update(
        self, prompt: str, llm_string: str, return_val: RETURN_VAL_TYPE
    ) -> None:
        # Plain Generations, which is what an LLM (not a chat model) returns.
        stored = json.dumps(
            [generation.model_dump() for generation in return_val]
        )
        with self.connection:  # commits, or rolls back if the statement fails
            self.connection.execute(
                "INSERT OR REPLACE INTO generations VALUES (?, ?, ?)",
                (prompt, llm_string, stored),
            )

    @override
    def clear(self, **kwargs: object) -> None:
        with self.connection:
            self.connection.execute("DELETE FROM generations")


# --8<-- [end:cache]


def main() -> None:
    default = os.environ.get(
        "LLM_CACHE_TUTORIAL_DB", "llm-cache-tutorial.sqlite3"
    )
    # In a notebook, sys.argv holds the Jupyter kernel's own arguments, not a
    # path.
    arguments = [] if "ipykernel" in sys.modules else sys.argv[1:]
    path = arguments[0] if arguments else default
    cache = SQLiteCache(path)
    (stored,) = cache.connection.execute(
        "SELECT count(*) FROM generations"
    ).fetchone()
    print(
        f"The database file {Path(path).name} holds {stored} cached answer(s)."
    )

    # --8<-- [start:use]
    llm = FakeListLLM(responses=["Paris", "Rome", "(unused)"], cache=cache)
    prompts = [
        "What is the capital of France?",
        "What is the capital of Italy?",
    ]
    result = llm.generate(prompts)
    # --8<-- [end:use]
    for prompt, generations in zip(prompts, result.generations, strict=True):
        print(f"  {prompt} -> {generations[0].text}")
    # FakeListLLM moves on to its next response each time the model really runs
    # (back to the first after the last: hence the third, unused response).
    print(f"Model calls in this run: {llm.i}; llm_output: {result.llm_output}")
    if llm.i:
        print("The answers came from the model and are now in the file.")
        print("Run me again.")
    else:
        print("Both answers came from the file: the model did not run.")
    (row,) = cache.connection.execute(
        "SELECT generations FROM generations WHERE prompt = ?", (prompts[0],)
    ).fetchone()
    print("What the file holds for the first prompt:")
    print(textwrap.fill(row, 76, initial_indent="  ", subsequent_indent="  "))
    cache.connection.close()


if __name__ == "__main__":
    main()
