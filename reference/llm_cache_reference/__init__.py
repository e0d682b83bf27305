"""A small, exact, readable rebuild of langchain-core's LLM cache helpers.

The helpers live in `llm_cache_reference.cache_helpers`; they are re-exported
here. Teaching aids live in their own modules: `cases` (the behaviour cases,
as a table), `harness` (what runs them), `patching` (putting helpers where
langchain-core's `generate` finds them), and the tools built on them.
"""

from llm_cache_reference.cache_helpers import (
    aget_prompts,
    aupdate_cache,
    get_prompts,
    resolve_cache,
    update_cache,
)

__all__ = ["aget_prompts", "aupdate_cache", "get_prompts", "resolve_cache", "update_cache"]
