"""The reference's error messages: its own words, and each says how to fix the call.

The behaviour cases compare exception types only, since langchain-core words its errors
differently; these tests pin the reference's wording.
"""

from __future__ import annotations

import re

import pytest
from langchain_core.globals import set_llm_cache

from llm_cache_reference import resolve_cache


def test_true_without_a_global_cache_says_how_to_fix_it() -> None:
    set_llm_cache(None)
    message = (
        "cache=True asks for the global cache, but none is set. Call set_llm_cache(...) "
        "first, or pass a BaseCache instance, or pass cache=False or None."
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        resolve_cache(cache=True)


@pytest.mark.parametrize(("value", "shown"), [(1, "1 (int)"), ("yes", "yes (str)"), (0, "0 (int)")])
def test_an_unsupported_value_is_named_with_what_is_accepted(value: object, shown: str) -> None:
    message = f"cache must be a BaseCache instance, True, False or None; got {shown}"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        resolve_cache(cache=value)  # type: ignore[arg-type]
