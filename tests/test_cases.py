"""Every behaviour case, run against langchain-core and against the reference."""

from __future__ import annotations

import types

import pytest
from langchain_core.language_models import llms as langchain_llms

import llm_cache_reference
from llm_cache_reference import cases
from llm_cache_reference.cases import CASES, CASES_BY_NAME, Outcome, observe, run_cases


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_reference_agrees_with_langchain_core(case: cases.Case) -> None:
    expected = observe(case.scenario, langchain_llms)
    actual = observe(case.scenario, llm_cache_reference)
    assert actual == expected, cases.difference(expected, actual)


def test_run_cases_reports_every_case_in_order() -> None:
    report = run_cases(llm_cache_reference)
    assert [result.case for result in report] == list(CASES)
    assert all(result.agree and result.difference == "" for result in report)


def test_case_names_are_unique_and_cover_all_four_helpers() -> None:
    assert len(CASES_BY_NAME) == len(CASES)
    assert {case.scenario.function for case in CASES} == set(cases.FUNCTIONS)
    assert {case.step for case in CASES} == {1, 2, 3, 4}


def _truthy_update_cache(
    cache: object,
    existing_prompts: dict[int, object],
    llm_string: str,
    missing_prompt_idxs: list[int],
    new_results: object,
    prompts: list[str],
) -> object:
    """A plausible mistake: `if llm_cache:` instead of `if llm_cache is not None:`."""
    llm_cache = llm_cache_reference.resolve_cache(cache=cache)  # type: ignore[arg-type]
    for i, result in enumerate(new_results.generations):  # type: ignore[attr-defined]
        existing_prompts[missing_prompt_idxs[i]] = result
        if llm_cache:
            llm_cache.update(prompts[missing_prompt_idxs[i]], llm_string, result)
    return new_results.llm_output  # type: ignore[attr-defined]


def test_a_truthiness_check_is_caught_with_a_readable_difference() -> None:
    broken = types.SimpleNamespace(update_cache=_truthy_update_cache)
    [result] = run_cases(broken, (CASES_BY_NAME["falsy-cache-still-written[update_cache]"],))
    assert not result.agree
    assert result.difference == (
        "calls: expected cache.update('a', 'llm-string', new[0]); "
        "cache.update('c', 'llm-string', new[1]), got no calls\n"
        "cached: expected cache: {'a': new[0], 'c': new[1]}, got cache: {}"
    )


def test_a_copy_is_not_the_very_object() -> None:
    def copying_update_cache(*args: object) -> object:
        returned = llm_cache_reference.update_cache(*args)  # type: ignore[arg-type]
        return dict(returned or {})

    broken = types.SimpleNamespace(update_cache=copying_update_cache)
    outcome = observe(CASES_BY_NAME["hits-and-misses[update_cache]"].scenario, broken)
    assert outcome.returned == "{'token_usage': 7}"


def test_a_sync_function_where_an_async_one_belongs_is_refused() -> None:
    wrong = types.SimpleNamespace(aupdate_cache=llm_cache_reference.update_cache)
    with pytest.raises(cases.WrongKind, match="update_cache should be an async function"):
        observe(CASES_BY_NAME["hits-and-misses[aupdate_cache]"].scenario, wrong)
    wrong = types.SimpleNamespace(get_prompts=llm_cache_reference.aget_prompts)
    with pytest.raises(cases.WrongKind, match=r"should be a plain \(sync\) function"):
        observe(CASES_BY_NAME["lookup-hits-and-misses[get_prompts]"].scenario, wrong)


def test_render_lays_out_a_successful_call() -> None:
    outcome = observe(CASES_BY_NAME["none-without-global[update_cache]"].scenario, langchain_llms)
    assert outcome.render() == (
        "returned:         llm_output\n"
        "existing_prompts: {1: hit[1], 0: new[0], 2: new[1]}\n"
        "cache calls:      (none)\n"
        "cache contents:   no cache in play"
    )


def test_render_leaves_existing_prompts_out_for_a_lookup() -> None:
    scenario = CASES_BY_NAME["lookup-without-cache[get_prompts]"].scenario
    assert observe(scenario, langchain_llms).render() == (
        "returned:         ({}, \"[('model', 'fake'), ('temperature', 0)]\", [0, 1, 2, 3],"
        " ['a', 'b', 'c', 'a'])\n"
        "cache calls:      (none)\n"
        "cache contents:   global: {'a': stored['a']}"
    )


def test_difference_names_missing_values_in_words() -> None:
    before = Outcome("llm_output", None, None, (), "x")
    after = Outcome(None, "ValueError", None, ("cache.clear()",), "x")
    assert cases.difference(before, after) == (
        "returned: expected llm_output, got nothing\n"
        "raised: expected nothing, got ValueError\n"
        "calls: expected no calls, got cache.clear()"
    )


def test_the_global_cache_is_restored_even_when_the_call_raises() -> None:
    from langchain_core.caches import InMemoryCache
    from langchain_core.globals import get_llm_cache, set_llm_cache

    mine = InMemoryCache()
    set_llm_cache(mine)
    observe(CASES_BY_NAME["unsupported-duck[update_cache]"].scenario, langchain_llms)
    assert get_llm_cache() is mine


def test_recording_caches_log_the_methods_no_case_reaches() -> None:
    describe = cases._Describer()
    log = cases._Log(describe)
    cache = cases.RecordingCache("cache", log, fail_on_write=None)
    cache.update("p", "s", [])
    cache.clear()
    duck = cases.DuckCache(log)
    duck.lookup("p", "s")
    duck.update("p", "s", [])
    import asyncio

    asyncio.run(duck.alookup("p", "s"))
    asyncio.run(duck.aupdate("p", "s", []))
    assert log.calls == [
        "cache.update('p', 's', [])",
        "cache.clear()",
        "duck.lookup('p', 's')",
        "duck.update('p', 's', [])",
        "duck.alookup('p', 's')",
        "duck.aupdate('p', 's', [])",
    ]
    assert cache.store == {}
    assert describe(((1,), (1, 2))) == "((1,), (1, 2))"
