"""Put a set of cache helpers where langchain-core's `generate` finds them.

`BaseLLM.generate` and `agenerate` look `get_prompts`, `aget_prompts`,
`update_cache` and `aupdate_cache` up in their module,
`langchain_core.language_models.llms`, each time they run. `patched_helpers`
replaces them there for the length of a `with` block, so every LLM uses the
given implementation, and puts langchain-core's own back afterwards, even if
the block raises. `wrap` wraps each helper on the way in, to count its calls
or print them.

Examples:
    >>> import llm_cache_reference
    >>> from langchain_core.caches import InMemoryCache
    >>> from langchain_core.language_models import llms
    >>> from langchain_core.language_models.fake import FakeListLLM
    >>> with patched_helpers(llm_cache_reference):
    ...     llms.update_cache is llm_cache_reference.update_cache
    True
    >>> llms.update_cache is llm_cache_reference.update_cache
    False
    >>> called = []
    >>> def noting(name, helper):
    ...     def noted(*args):
    ...         called.append(name)
    ...         return helper(*args)
    ...     return noted
    >>> with patched_helpers(llm_cache_reference, wrap=noting):
    ...     FakeListLLM(responses=["r"], cache=InMemoryCache()).invoke("hi")
    'r'
    >>> called
    ['get_prompts', 'update_cache']
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from langchain_core.language_models import llms as langchain_llms

from llm_cache_reference.harness import FUNCTIONS

__all__ = ["Wrap", "patched_helpers"]

Wrap = Callable[[str, Callable[..., Any]], Callable[..., Any]]
"""Given a helper's name and the helper, the function to put in its place."""


@contextmanager
def patched_helpers(
    implementation: object,
    *,
    wrap: Wrap | None = None,
    into: ModuleType = langchain_llms,
    helpers: Sequence[str] = FUNCTIONS,
) -> Iterator[None]:
    """Make `into` use `implementation`'s helpers until the block ends.

    Args:
        implementation: A module or object with the helpers as attributes:
            the reference, a learner's module, or `into` itself (to wrap
            langchain-core's own helpers).
        wrap: Called once per helper with its name and the helper; what it
            returns is put in place instead of the helper itself.
        into: Where `generate` finds the helpers: langchain-core's `llms`
            module (or, for an old release, whatever stands in for it).
        helpers: Which helpers to replace; all four by default.

    Raises:
        AttributeError: `implementation` or `into` lacks one of the helpers;
            nothing is replaced then.
    """
    originals = {name: getattr(into, name) for name in helpers}
    replacements = {name: getattr(implementation, name) for name in helpers}
    if wrap is not None:
        replacements = {name: wrap(name, helper) for name, helper in replacements.items()}
    try:
        for name, replacement in replacements.items():
            setattr(into, name, replacement)
        yield
    finally:
        for name, original in originals.items():
            setattr(into, name, original)
