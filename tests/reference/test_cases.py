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


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_references_timeline_equals_langchain_cores_event_by_event(case: Case) -> None:
    expected = harness.record(case.scenario, langchain_llms).timeline
    actual = harness.record(case.scenario, llm_cache_reference).timeline
    assert [event.text() for event in actual] == [event.text() for event in expected]
    assert actual == expected
    assert isinstance(expected[-1], harness.Finish)


def test_a_timeline_holds_the_dict_writes_and_the_cache_calls_in_the_order_made() -> None:
    scenario = CASES_BY_NAME["write-fails-halfway[update_cache]"].scenario
    recorded = harness.record(scenario, langchain_llms)
    assert [event.text() for event in recorded.timeline] == [
        "existing_prompts[0] = new[0]",
        "cache.update('a', 'llm-string', new[0])",
        "existing_prompts[2] = new[1]",
        "cache.update('c', 'llm-string', new[1])",
        "raises CacheWriteError",
    ]
    assert recorded.outcome == observe(scenario, langchain_llms)


def _cache_first_update_cache(
    cache: Any,
    existing_prompts: dict[int, Any],
    llm_string: str,
    missing_prompt_idxs: list[int],
    new_results: Any,
    prompts: list[str],
) -> Any:
    """The cache written before `existing_prompts`: the same end state, another order."""
    llm_cache = llm_cache_reference.resolve_cache(cache=cache)
    for i, result in enumerate(new_results.generations):
        if llm_cache is not None:
            llm_cache.update(prompts[missing_prompt_idxs[i]], llm_string, result)
        existing_prompts[missing_prompt_idxs[i]] = result
    return new_results.llm_output


def test_only_the_timeline_tells_a_cache_first_helper_from_langchain_core() -> None:
    scenario = CASES_BY_NAME["hits-and-misses[update_cache]"].scenario
    broken = types.SimpleNamespace(update_cache=_cache_first_update_cache)
    expected, actual = harness.record(scenario, langchain_llms), harness.record(scenario, broken)
    assert actual.outcome == expected.outcome
    assert actual.timeline != expected.timeline
    assert sorted(map(str, actual.timeline)) == sorted(map(str, expected.timeline))
    assert actual.timeline[0] == CacheCall("cache", "update", ("'a'", "'llm-string'", "new[0]"))


def test_every_way_of_changing_existing_prompts_is_on_the_timeline() -> None:
    def busy_update_cache(cache: Any, existing_prompts: dict[Any, Any], *args: Any) -> Any:
        more: dict[Any, Any] = {7: "u"}
        existing_prompts.update(more, eight="k")
        existing_prompts |= {9: "o"}
        existing_prompts.setdefault(1, "kept")  # 1 is a hit already: no change
        existing_prompts.setdefault(10, "s")
        assert existing_prompts.pop(7) == "u"
        assert existing_prompts.pop(7, "gone") == "gone"
        del existing_prompts[9]
        existing_prompts.clear()
        with pytest.raises(KeyError):
            existing_prompts.pop(7)
        return None

    broken = types.SimpleNamespace(update_cache=busy_update_cache)
    recorded = harness.record(harness.Scenario("update_cache"), broken)
    assert [event.text() for event in recorded.timeline] == [
        "existing_prompts[7] = 'u'",
        "existing_prompts['eight'] = 'k'",
        "existing_prompts[9] = 'o'",
        "existing_prompts[10] = 's'",
        "del existing_prompts[7]",
        "del existing_prompts[9]",
        "del existing_prompts[1]",
        "del existing_prompts['eight']",
        "del existing_prompts[10]",
        "returns None",
    ]
    assert recorded.outcome.existing_prompts == "{}"


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
