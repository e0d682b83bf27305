"""The reference, plugged into langchain-core for one test.

Shown on the site, in docs/how-to/plug-in.md.
"""

from collections.abc import Iterator
from unittest import mock

import pytest
from langchain_core.caches import InMemoryCache
from langchain_core.language_models.fake import FakeListLLM

import llm_cache_reference
from llm_cache_reference import cache_helpers
from llm_cache_reference.patching import patched_helpers


@pytest.fixture
def reference_helpers() -> Iterator[mock.Mock]:
    """Make every BaseLLM run the reference's helpers until the test ends.

    Yields a spy on the reference's resolve_cache, which only the reference
    calls. Everything is put back when the test ends.
    """
    spy = mock.Mock(wraps=cache_helpers.resolve_cache)
    with (
        patched_helpers(llm_cache_reference),
        mock.patch.object(cache_helpers, "resolve_cache", spy),
    ):
        yield spy


def test_generate_runs_the_reference(reference_helpers: mock.Mock) -> None:
    model = FakeListLLM(responses=["first", "second"], cache=InMemoryCache())
    assert model.invoke("hi") == "first"
    assert model.invoke("hi") == "first"  # served from the cache
    # get_prompts and update_cache for the first call, get_prompts alone for
    # the second.
    assert reference_helpers.call_count == 3


async def test_agenerate_runs_the_reference(
    reference_helpers: mock.Mock,
) -> None:
    model = FakeListLLM(responses=["first", "second"], cache=InMemoryCache())
    assert await model.ainvoke("hi") == "first"
    assert await model.ainvoke("hi") == "first"
    assert reference_helpers.call_count == 3
