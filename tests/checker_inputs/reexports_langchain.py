"""Not an implementation: langchain-core's own helpers, imported and passed off.

Every case would pass, comparing langchain-core with itself; the checker
refuses the file instead.
"""

from __future__ import annotations

from langchain_core.language_models.llms import (
    aget_prompts,
    aupdate_cache,
    get_prompts,
    update_cache,
)

__all__ = ["aget_prompts", "aupdate_cache", "get_prompts", "update_cache"]
