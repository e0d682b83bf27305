"""Every behaviour case, run against langchain-core and against the reference."""

from __future__ import annotations

import types
from typing import Any

import pytest
from langchain_core.language_models import llms as langchain_llms

import llm_cache_reference
from llm_cache_reference import cache_helpers, harness
from llm_cache_reference.cases import CASES, CASES_BY_NAME, TABLE, Case, Step, Twins
from llm_cache_reference.harness import CacheCall, CacheContents, Outcome, observe, run_cases


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_reference_agrees_with_langchain_core(case: Case) -> None:
    expected = observe(case.scenario, langchain_llms)
    actual = observe(case.scenario, llm_cache_reference)
    assert actual == expected, harness.difference(expected, actual)


def test_run_cases_reports_every_case_in_order() -> None:
    report = run_cases(llm_cache_reference, CASES)
    assert [result.case for result in report] == list(CASES)
    assert all(result.agree and result.difference == "" for result in report)
    assert all(result.differing == () for result in report)


def test_case_names_are_unique_and_cover_all_four_helpers_and_every_step() -> None:
    assert len(CASES_BY_NAME) == len(CASES)
    assert {case.scenario.function for case in CASES} == set(harness.FUNCTIONS)
    assert {case.step for case in CASES} == set(Step)


def test_twins_make_a_sync_case_and_its_async_twin_in_the_twins_step() -> None:
    for entry in TABLE:
        made = list(entry.cases())
        if not isinstance(entry, Twins):
            assert [case.scenario for case in made] == [entry.scenario]
            continue
        sync, twin = made
        assert sync.scenario == entry.scenario
        assert twin.scenario.function == harness.ASYNC_TWIN[sync.scenario.function]
        assert twin.scenario.flavour == entry.async_flavour
        assert (sync.step, twin.step) == (entry.step, entry.step.of_async_twin)
    lookup = CASES_BY_NAME["lookup-falsy-cache[aget_prompts]"]
    assert (lookup.step, lookup.scenario.flavour) == (Step.LOOKUP_SIDE, "falsy")
    assert CASES_BY_NAME["write-fails-halfway[aupdate_cache]"].step is Step.ASYNC_TWIN
    assert CASES_BY_NAME["write-fails-halfway[aupdate_cache]"].scenario.flavour == "async"


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
    assert result.differing == ("calls", "cached")
    assert result.actual.calls == ()
    assert result.actual.cached == (CacheContents("cache", ()),)
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
    with pytest.raises(harness.WrongKind, match="update_cache should be an async function"):
        observe(CASES_BY_NAME["hits-and-misses[aupdate_cache]"].scenario, wrong)
    wrong = types.SimpleNamespace(get_prompts=llm_cache_reference.aget_prompts)
    with pytest.raises(harness.WrongKind, match=r"should be a plain \(sync\) function"):
        observe(CASES_BY_NAME["lookup-hits-and-misses[get_prompts]"].scenario, wrong)


def test_an_outcome_holds_each_cache_call_as_a_record() -> None:
    outcome = observe(
        CASES_BY_NAME["awaits-each-write[aupdate_cache]"].scenario, llm_cache_reference
    )
    assert outcome.calls[:2] == (
        CacheCall("cache", "aupdate", ("'a'", "'llm-string'", "new[0]"), "begins"),
        CacheCall("cache", "aupdate", ("'a'", "'llm-string'", "new[0]"), "ends"),
    )
    assert outcome.cached == (
        CacheContents("cache", (("a", "new[0]"), ("c", "new[1]"), ("d", "new[2]"))),
    )
    assert (outcome.returned, outcome.raised) == ("llm_output", None)


def test_display_labels_each_field_and_render_aligns_them() -> None:
    outcome = observe(CASES_BY_NAME["none-without-global[update_cache]"].scenario, langchain_llms)
    assert outcome.display() == (
        ("returned", ("llm_output",)),
        ("existing_prompts", ("{1: hit[1], 0: new[0], 2: new[1]}",)),
        ("cache calls", ("(none)",)),
        ("cache contents", ("no cache in play",)),
    )
    assert outcome.render() == (
        "returned:         llm_output\n"
        "existing_prompts: {1: hit[1], 0: new[0], 2: new[1]}\n"
        "cache calls:      (none)\n"
        "cache contents:   no cache in play"
    )


def test_render_puts_each_further_call_on_a_line_of_its_own() -> None:
    outcome = observe(CASES_BY_NAME["instance-beats-global[update_cache]"].scenario, langchain_llms)
    assert outcome.render() == (
        "returned:         llm_output\n"
        "existing_prompts: {1: hit[1], 0: new[0], 2: new[1]}\n"
        "cache calls:      cache.update('a', 'llm-string', new[0])\n"
        "                  cache.update('c', 'llm-string', new[1])\n"
        "cache contents:   cache: {'a': new[0], 'c': new[1]}; global: {}"
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
    before = Outcome("llm_output", None, None, (), ())
    after = Outcome(None, "ValueError", None, (CacheCall("cache", "clear", ()),), ())
    assert before.differing(after) == ("returned", "raised", "calls")
    assert harness.difference(before, after) == (
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


DUCK_METHOD = {
    "update_cache": "update",
    "aupdate_cache": "aupdate",
    "get_prompts": "lookup",
    "aget_prompts": "alookup",
}


@pytest.mark.parametrize("function", harness.FUNCTIONS)
def test_a_helper_that_takes_a_duck_for_a_cache_is_caught(
    function: harness.FunctionName, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = cache_helpers.resolve_cache

    def duck_typed(*, cache: object) -> object:
        """A plausible mistake: anything with the cache methods will do."""
        return cache if hasattr(cache, "lookup") else original(cache=cache)  # type: ignore[arg-type]

    monkeypatch.setattr(cache_helpers, "resolve_cache", duck_typed)
    scenario = harness.Scenario(function, cache="duck")
    expected, actual = observe(scenario, langchain_llms), observe(scenario, llm_cache_reference)
    assert (expected.raised, expected.calls) == ("ValueError", ())
    assert actual.raised is None
    assert actual.calls
    assert {(call.owner, call.method) for call in actual.calls} == {("duck", DUCK_METHOD[function])}


def test_a_helper_that_clears_the_cache_is_caught() -> None:
    def clearing_update_cache(cache: Any, *args: Any) -> Any:
        cache.clear()  # a mistake: "start from a clean cache"
        return llm_cache_reference.update_cache(cache, *args)

    broken = types.SimpleNamespace(update_cache=clearing_update_cache)
    [result] = run_cases(broken, (CASES_BY_NAME["hits-and-misses[update_cache]"],))
    assert result.differing == ("calls",)
    assert result.actual.calls[0] == CacheCall("cache", "clear", ())
    assert result.actual.calls[1:] == result.expected.calls
