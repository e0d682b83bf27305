"""The version-history tooling's own logic: the walk, the sources, the attribution check,
the time limit, the adapter, the import aliases."""

from __future__ import annotations

import sys
import textwrap
import threading
import types
from typing import Any

import pytest
from langchain_core.language_models import llms as langchain_llms

from history import adapter, analysis, attributions, compat, probe, sources
from llm_cache_reference import harness
from llm_cache_reference.cases import CASES, CASES_BY_NAME
from llm_cache_reference.harness import observe

RELEASES = [f"0.{i}" for i in range(10)]


def test_the_walk_finds_every_change_even_one_undone_and_steps_over_releases_not_run() -> None:
    results: dict[str, str | None] = {v: "C" if v == "0.8" else "A" for v in RELEASES}
    results.update({"0.4": "B", "0.5": None})  # 0.5 did not run
    found = analysis.transitions(RELEASES, results.get, "case")
    assert [(t.last_old, t.first_new, t.old, t.new) for t in found] == [
        ("0.3", "0.4", "A", "B"),
        ("0.4", "0.6", "B", "A"),
        ("0.7", "0.8", "A", "C"),
        ("0.8", "0.9", "C", "A"),
    ]


FAKE_RELEASE = {
    "langchain_core/language_models/llms.py": textwrap.dedent(
        '''
        from .helpers import run_it
        from langchain_core.globals import get_llm_cache
        LIMIT: int = 3

        def update_cache(cache: int, prompts: list[str]) -> None:
            """Write back."""
            # a comment
            return run_it(get_llm_cache(), LIMIT)

        class BaseLLM:
            cache: bool | None = None

            def generate(self, prompts):
                """Docs."""
                callbacks = 1
                return update_cache(self.cache, prompts)
        '''
    ),
    "langchain_core/language_models/helpers.py": "from langchain_core.x import run_it\n",
    "langchain_core/x.py": "def run_it(a, b):\n    return cast(int, a)\n",
    "langchain_core/globals.py": "_c = None\ndef get_llm_cache():\n    return _c\n",
}


def test_units_follow_calls_and_re_exports_and_strip_docstrings_and_comments() -> None:
    found = sources.units(FAKE_RELEASE.get)
    assert list(found) == [
        "langchain_core/globals.py:_c",
        "langchain_core/globals.py:get_llm_cache",
        "langchain_core/language_models/llms.py:BaseLLM.cache",
        "langchain_core/language_models/llms.py:BaseLLM.generate (cache lines)",
        "langchain_core/language_models/llms.py:LIMIT",
        "langchain_core/language_models/llms.py:update_cache",
        "langchain_core/x.py:run_it",
    ]
    assert found["langchain_core/language_models/llms.py:update_cache"] == (
        "def update_cache(cache: int, prompts: list[str]) -> None:\n"
        "    return run_it(get_llm_cache(), LIMIT)",
        "def update_cache(cache, prompts):\n    return run_it(get_llm_cache(), LIMIT)",
    )
    generate = found["langchain_core/language_models/llms.py:BaseLLM.generate (cache lines)"]
    assert generate[0] == "    return update_cache(self.cache, prompts)"
    assert found["langchain_core/x.py:run_it"][1] == "def run_it(a, b):\n    return a"


def test_changes_tell_annotations_from_code_and_find_moved_units() -> None:
    annotated = sources.units(FAKE_RELEASE.get)
    retyped = dict(FAKE_RELEASE)
    llms = "langchain_core/language_models/llms.py"
    retyped[llms] = retyped[llms].replace("cache: int", "cache: str")
    recoded = dict(FAKE_RELEASE)
    recoded[llms] = recoded[llms].replace("LIMIT)", "LIMIT + 1)")
    found = {"1": annotated, "2": sources.units(retyped.get), "3": sources.units(recoded.get)}
    found["4"] = found["3"]
    [first, second] = sources.changes(["1", "2", "3", "4"], found)
    assert (first.first_new, first.units, first.beyond_annotations) == (
        "2",
        (f"{llms}:update_cache",),
        (),
    )
    assert (second.first_new, second.beyond_annotations) == ("3", (f"{llms}:update_cache",))
    assert "+    return run_it(get_llm_cache(), LIMIT + 1)" in list(
        sources.diff(found["2"], found["3"], f"{llms}:update_cache")
    )
    assert sources.fingerprint(found["3"]) == sources.fingerprint(found["4"])
    assert sources.fingerprint(found["2"]) != sources.fingerprint(found["3"])


def _data(**changed: Any) -> dict[str, Any]:
    rows = [{"version": v} for v in RELEASES]
    data: dict[str, Any] = {"releases": rows, "boundaries": [], "generate_only_changes": []}
    data["source_changes"] = []
    data.update(changed)
    return data


def test_the_attribution_check_names_every_pair_missing_or_wrongly_attributed() -> None:
    source = [
        {"last_old": "0.1", "first_new": "0.2", "units": ["m.py:f"], "beyond_annotations": []},
        {
            "last_old": "0.2",
            "first_new": "0.3",
            "units": ["m.py:g"],
            "beyond_annotations": ["m.py:g"],
        },
        {"last_old": "0.3", "first_new": "0.4", "units": ["m.py:h"], "beyond_annotations": []},
    ]
    moved = {"last_old": "0.4", "first_new": "0.5", "cases": [{"case": "c[x]"}]}
    data = _data(source_changes=source, boundaries=[moved])
    table: dict[tuple[str, str], attributions.Attribution] = {
        ("0.1", "0.2"): attributions.ANNOTATIONS_ONLY,
        ("0.2", "0.3"): attributions.ANNOTATIONS_ONLY,
        ("0.6", "0.7"): attributions.NoChange("stale"),
        ("0.8", "0.9"): attributions.Behaviour("t", "s", "w"),
    }
    found = [(p.last_old, p.first_new, p.what, p.units) for p in attributions.problems(data, table)]
    assert found == [
        ("0.2", "0.3", "said to be annotations only, but more changed", ("m.py:g",)),
        (
            "0.3",
            "0.4",
            "source changed and no case shows it: write the case, or add a NoChange",
            ("m.py:h",),
        ),
        ("0.4", "0.5", "cases change (c[x]): add a Behaviour", ()),
        ("0.6", "0.7", "attributed, but nothing changes here: remove the entry", ()),
        ("0.8", "0.9", "attributed to behaviour, but no case changes here", ()),
    ]
    table[("0.4", "0.5")] = attributions.NoChange("wrong")
    assert any("but cases change" in p.what for p in attributions.problems(data, table))


def test_a_call_that_never_returns_is_recorded_as_hanging_and_the_rest_run() -> None:
    never = threading.Event()
    assert probe.within_limit(lambda: {"done": never.wait()}, limit=0.05) == {"hangs": 0.05}
    assert probe.within_limit(lambda: {"outcome": 1}) == {"outcome": 1}
    never.set()  # let the thread left behind finish


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
        "falsy-global-cache[update_cache]",
        "langchain-global-ignored[update_cache]",
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


def test_the_langchain_stand_in_is_there_only_for_the_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache = object()
    monkeypatch.delitem(sys.modules, "langchain", raising=False)
    with harness.langchain_package_global(cache):
        import langchain  # type: ignore[import-not-found]

        assert langchain.llm_cache is cache
    assert "langchain" not in sys.modules
    before = types.ModuleType("langchain")
    monkeypatch.setitem(sys.modules, "langchain", before)
    with harness.langchain_package_global(cache):
        assert sys.modules["langchain"] is not before
    assert sys.modules["langchain"] is before
