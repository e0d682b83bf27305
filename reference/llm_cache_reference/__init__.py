"""A small, exact, readable rebuild of langchain-core's LLM cache helpers.

The helpers live in `llm_cache_reference.cache_helpers`; they are re-exported
here. Teaching aids live in their own modules: `cases` (the behaviour cases,
as a table), `harness` (what runs them), `patching` (putting helpers where
langchain-core's `generate` finds them), and the tools built on them.
"""

import signal

from llm_cache_reference import interrupt

if interrupt.running_as_command():  # before the imports below, which take a second
    signal.signal(signal.SIGINT, interrupt.exit_quietly)

from llm_cache_reference.cache_helpers import (
    aget_prompts,
    aupdate_cache,
    get_prompts,
    resolve_cache,
    update_cache,
)

__all__ = ["aget_prompts", "aupdate_cache", "get_prompts", "resolve_cache", "update_cache"]
