"""The reference, plugged into langchain-core for one test.

Shown on the site, in docs/how-to/plug-in.md.
"""

from unittest import mock

import pytest
from langchain_core.caches import InMemoryCache
from langchain_core.language_models import llms
from langchain_core.language_models.fake import FakeListLLM

import llm_cache_reference
from llm_cache_reference import cache_helpers

HELPERS = ("get_prompts", "aget_prompts", "update_cache", "aupdate_cache")


@pytest.fixture
def reference_helpers(monkeypatch: pytest.MonkeyPatch) -> mock.Mock:
    """Make every BaseLLM run the reference's helpers until the test ends.

    Returns a spy on the reference's resolve_cache, which only the reference
    calls.
    monkeypatch puts everything back when the test ends.
    """
    for name in HELPERS:
        monkeypatch.setattr(llms, name, getattr(llm_cache_reference, name))
    spy = mock.Mock(wraps=cache_helpers.resolve_cache)
    monkeypatch.setattr(cache_helpers, "resolve_cache", spy)
    return spy


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
