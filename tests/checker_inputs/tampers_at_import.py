"""A file that, while it is imported, replaces langchain-core's `update_cache` and
the checker's own observation and recording cache, in the hope of changing the
"langchain-core did" column. That column is computed where none of this reaches.
"""

from __future__ import annotations

from typing import Any

from langchain_core.caches import BaseCache
from langchain_core.language_models import llms
from langchain_core.outputs import Generation, LLMResult

from llm_cache_reference import harness
from llm_cache_reference.checker import candidate, judge


def update_cache(
    cache: BaseCache | bool | None,
    existing_prompts: dict[int, list[Generation]],
    llm_string: str,
    missing_prompt_idxs: list[int],
    new_results: LLMResult,
    prompts: list[str],
) -> dict[str, Any] | None:
    return None


def _nothing_happened(scenario: object, implementation: object) -> harness.Outcome:
    return harness.Outcome("None", None, "{1: hit[1]}", (), (harness.CacheContents("cache", ()),))


llms.update_cache = update_cache
harness.observe = _nothing_happened
candidate.observe = _nothing_happened  # type: ignore[attr-defined]
judge.observe = _nothing_happened  # type: ignore[attr-defined]
harness.RecordingCache.update = lambda self, *args: None  # type: ignore[method-assign]
