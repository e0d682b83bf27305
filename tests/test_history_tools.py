"""The version-history tooling's own logic: bisection, the adapter, the import aliases."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from langchain_core.language_models import llms as langchain_llms

from history import adapter, bisect, compat
from llm_cache_reference.cases import CASES, CASES_BY_NAME
from llm_cache_reference.harness import observe

RELEASES = [f"0.{i}" for i in range(10)]


def table(results: dict[str, str | None]) -> bisect.Outcome:
    def outcome(version: str) -> str | None:
        return results.get(version)

    return outcome


def test_bisection_finds_each_change_in_order_and_probes_few_releases() -> None:
    asked: set[str] = set()
    results = {v: "A" if i < 3 else "B" if i < 7 else "C" for i, v in enumerate(RELEASES)}

    def outcome(version: str) -> str | None:
        asked.add(version)
        return results[version]

    found = bisect.boundaries(RELEASES, outcome, "case")
    assert [(b.last_old, b.first_new, b.old, b.new) for b in found] == [
        ("0.2", "0.3", "A", "B"),
        ("0.6", "0.7", "B", "C"),
    ]
    assert len(asked) < len(RELEASES)


def test_bisection_steps_over_releases_that_could_not_be_probed() -> None:
    results: dict[str, str | None] = {v: "A" if i < 5 else "B" for i, v in enumerate(RELEASES)}
    results.update({"0.0": None, "0.4": None, "0.5": None, "0.9": None})
    [found] = bisect.boundaries(RELEASES, table(results), "case")
    assert (found.last_old, found.first_new, found.skipped) == ("0.3", "0.6", ("0.4", "0.5"))


def test_bisection_finds_nothing_when_oldest_and_newest_agree_but_the_walk_does() -> None:
    results: dict[str, str | None] = {v: "B" if v == "0.4" else "A" for v in RELEASES}
    assert bisect.boundaries(RELEASES, table(results), "case") == []
    walked = bisect.transitions(RELEASES, table(results), "case")
    assert [(b.last_old, b.first_new) for b in walked] == [("0.3", "0.4"), ("0.4", "0.5")]


def _update_cache_before_the_cache_argument(
    existing_prompts: Any,
    llm_string: str,
    missing_prompt_idxs: list[int],
    new_results: Any,
    prompts: list[str],
) -> Any:
    """Stands in for a release whose update_cache always used the global cache."""
    return langchain_llms.update_cache(
        None, existing_prompts, llm_string, missing_prompt_idxs, new_results, prompts
    )


OLD_RELEASE = types.SimpleNamespace(update_cache=_update_cache_before_the_cache_argument)


def test_without_a_cache_parameter_only_cache_none_cases_run_and_they_agree() -> None:
    helpers = adapter.ReleaseHelpers(OLD_RELEASE)
    ran = []
    for case in CASES:
        reason = adapter.unavailable(OLD_RELEASE, case.scenario)
        if case.scenario.function != "update_cache":
            assert reason == f"this release has no {case.scenario.function}"
        elif case.scenario.cache != "None":
            assert reason is not None
            assert "has no cache parameter" in reason
        else:
            assert reason is None
            ran.append(case.name)
            expected = observe(case.scenario, langchain_llms)
            assert observe(case.scenario, helpers) == expected
    assert ran == [
        "none-without-global[update_cache]",
        "none-uses-global[update_cache]",
        "index-past-prompts[update_cache]",
    ]


def test_an_unknown_parameter_makes_a_case_unavailable() -> None:
    def update_cache(cache: Any, existing_prompts: Any, extra: int) -> None: ...

    release = types.SimpleNamespace(update_cache=update_cache)
    scenario = CASES_BY_NAME["hits-and-misses[update_cache]"].scenario
    assert adapter.unavailable(release, scenario) == (
        "update_cache has parameters today's does not: extra"
    )


def test_the_adapter_keeps_async_helpers_async_and_passes_keyword_only_arguments() -> None:
    async def aget_prompts(params: Any, prompts: Any, *, cache: Any = None) -> Any:
        return await langchain_llms.aget_prompts(params, prompts, cache)

    release = types.SimpleNamespace(aget_prompts=aget_prompts)
    case = CASES_BY_NAME["lookup-hits-and-misses[aget_prompts]"]
    assert adapter.unavailable(release, case.scenario) is None
    outcome = observe(case.scenario, adapter.ReleaseHelpers(release))
    assert outcome == observe(case.scenario, langchain_llms)
    with pytest.raises(AttributeError):
        _ = adapter.ReleaseHelpers(release).lookup


def test_compat_aliases_a_missing_modern_module_to_the_old_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    modern = "langchain_core.history_test_alias.llms"
    monkeypatch.setattr(compat, "MODERN_TO_OLD", {modern: "json", "langchain_core.caches": "x"})
    monkeypatch.delitem(sys.modules, modern, raising=False)
    monkeypatch.delitem(sys.modules, modern.rpartition(".")[0], raising=False)
    try:
        assert compat.install() == {modern: "json"}
        from langchain_core.history_test_alias import llms  # type: ignore[import-not-found]

        assert llms is sys.modules["json"]
    finally:
        sys.modules.pop(modern, None)
        sys.modules.pop(modern.rpartition(".")[0], None)
