"""The version-history tooling's own logic: the walk, the sources, the attribution check,
the time limit, the adapter, the import aliases."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
import threading
import types
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models import llms as langchain_llms

from history import __main__ as history_main
from history import (
    adapter,
    analysis,
    attributions,
    compat,
    identity,
    outcomes,
    probe,
    runner,
    sources,
)
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


def test_an_identity_names_the_fields_that_differ_from_the_defaults_and_remakes_the_call() -> None:
    case = CASES_BY_NAME["write-fails-halfway[update_cache]"]
    found = identity.identity(case)
    assert found == {
        "name": "write-fails-halfway[update_cache]",
        "scenario": {"function": "update_cache", "fail_on_write": 2},
    }
    assert all(identity.scenario_of(identity.identity(c)["scenario"]) == c.scenario for c in CASES)


def test_an_outcome_is_kept_as_data_and_shows_as_the_same_text() -> None:
    for case in CASES:
        outcome = observe(case.scenario, langchain_llms)
        data = outcomes.outcome_data(outcome)
        assert json.loads(json.dumps(data)) == data
        assert outcomes.outcome_from_data(data) == outcome
    call = outcomes.outcome_data(observe(CASES[1].scenario, langchain_llms))["calls"][0]
    assert call == {
        "owner": "cache",
        "method": "aupdate",
        "arguments": ["'a'", "'llm-string'", "new[0]"],
        "phase": "begins",
    }


def _fingerprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: dict[str, str]) -> str:
    """The fingerprint of a copy of the project whose files are edited as given."""
    root = tmp_path / f"copy{len(list(tmp_path.iterdir()))}"
    shutil.copytree(runner.ROOT / "history", root / "history")
    shutil.copytree(runner.PACKAGE, root / "package")
    for path, (old, new) in ((p, change.split(" -> ")) for p, change in edit.items()):
        target = root / path
        assert old in target.read_text(), (path, old)
        target.write_text(target.read_text().replace(old, new, 1))
    monkeypatch.setattr(runner, "ROOT", root)
    monkeypatch.setattr(runner, "PACKAGE", root / "package")
    into = root / "snapshot"
    into.mkdir()
    return runner.snapshot(into)


def test_the_fingerprint_follows_the_code_that_runs_a_case_not_its_text_or_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    same = _fingerprint(tmp_path, monkeypatch, {})
    assert _fingerprint(tmp_path, monkeypatch, {}) == same
    text = runner.SHOWN_ONLY[0]
    assert (runner.PACKAGE / text).exists()
    shown = {f"package/{text}": "def render( -> def render_it(\n    pass\n\n\ndef render("}
    assert _fingerprint(tmp_path, monkeypatch, shown) == same
    docstring = {"history/adapter.py": '"""Call an old -> """Call an older'}
    assert _fingerprint(tmp_path, monkeypatch, docstring) == same
    code = {"history/adapter.py": "CACHE_PARAMETER = -> CACHE_PARAMETER = CACHE = "}
    assert _fingerprint(tmp_path, monkeypatch, code) != same


def _probe_with(monkeypatch: pytest.MonkeyPatch, probes: FakeProbes) -> None:
    def probe(self: runner.Runner, version: str, cases: Any, pins: Any) -> dict[str, Any]:
        return probes(self, version, cases, pins)

    monkeypatch.setattr(runner.Runner, "_probe", probe)


class FakeProbes:
    """Stands in for `Runner._probe`: says what it was asked, answers with made-up results."""

    def __init__(self, installed: dict[str, str] | None = None) -> None:
        self.asked: list[tuple[str, list[str], dict[str, str] | None]] = []
        self.installed = installed

    def __call__(
        self, runner_: runner.Runner, version: str, cases: Any, pins: dict[str, str] | None
    ) -> dict[str, Any]:
        self.asked.append((version, [case["name"] for case in cases], pins))
        installed = self.installed if self.installed is not None else pins or {"pydantic": "2"}
        return {
            "version": version,
            "fingerprint": runner_.fingerprint,
            "status": "ran",
            "installed": installed,
            "python": "3",
            "environment": {},
            "signatures": {},
            "results": {
                identity.key(case): {"result": {"outcome": version}, "replay": {}} for case in cases
            },
        }


def test_a_release_probes_only_the_cases_it_lacks_pinned_to_its_recorded_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    probes = FakeProbes()
    _probe_with(monkeypatch, probes)
    lines: list[str] = []
    cases = [identity.identity(case) for case in CASES[:3]]
    probing = runner.Runner(tmp_path, log=lines.append)
    first = probing.records(["0.1"], cases[:2])
    assert probes.asked == [("0.1", [CASES[0].name, CASES[1].name], None)]
    assert lines[-1].startswith("[1/1] 0.1      2 cases ran, 0 not available (2 probed in ")

    # A case added: only it runs, in the packages the record was made in.
    again = runner.Runner(tmp_path, log=lines.append)
    again.known = {"0.1": first["0.1"]}
    both = again.records(["0.1"], cases)
    assert probes.asked[1] == ("0.1", [CASES[2].name], {"pydantic": "2"})
    assert set(both["0.1"]["results"]) == {identity.key(case) for case in cases}

    # Resumed: the store holds all three, so nothing is probed.
    resumed = runner.Runner(tmp_path, log=lines.append)
    assert resumed.records(["0.1"], cases)["0.1"]["results"] == both["0.1"]["results"]
    assert len(probes.asked) == 2
    assert lines[-1].endswith("3 cases ran, 0 not available (recorded)")


def test_a_release_whose_packages_cannot_be_had_again_reruns_every_case(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    probes = FakeProbes(installed={"pydantic": "3"})
    _probe_with(monkeypatch, probes)
    cases = [identity.identity(case) for case in CASES[:2]]
    probing = runner.Runner(tmp_path, log=lambda line: None)
    known = FakeProbes()(probing, "0.1", cases[:1], None)
    probing.known = {"0.1": known}
    record = probing.record("0.1", cases)
    assert [names for _, names, _ in probes.asked] == [[CASES[1].name], [c.name for c in CASES[:2]]]
    assert record["installed"] == {"pydantic": "3"}


def test_a_release_not_installable_is_not_tried_again_by_the_same_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    probes = FakeProbes()
    _probe_with(monkeypatch, probes)
    probing = runner.Runner(tmp_path, log=lambda line: None)
    probing.known = {"0.1": {"status": "not installable", "reason": "needs Python 2"}}
    cases = [identity.identity(CASES[0])]
    assert probing.record("0.1", cases)["status"] == "not installable"
    assert probes.asked == []
    assert probing.record("0.1", cases, fresh=True)["status"] == "ran"


def test_sources_are_read_only_for_releases_the_data_lacks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read: list[list[str]] = []

    def fake_sources(versions: list[str]) -> dict[str, dict[str, tuple[str, str]]]:
        read.append(versions)
        return {v: {"m.py:f": (v, v)} for v in versions}

    monkeypatch.setattr(history_main, "_sources", fake_sources)
    recorded = {
        "sources_code": sources.CODE,
        "releases": [{"version": "0.1", "source": "s1"}, {"version": "0.2", "source": "s2"}],
        "source_changes": [
            {"last_old": "0.1", "first_new": "0.2", "units": ["m.py:f"], "beyond_annotations": []}
        ],
    }
    fingerprints, changes, _ = history_main.read_sources(["0.1", "0.2", "0.3"], recorded)
    assert read == [["0.2", "0.3"]]
    assert fingerprints["0.1"] == "s1"
    assert [(c.last_old, c.first_new) for c in changes] == [("0.1", "0.2"), ("0.2", "0.3")]
    history_main.read_sources(["0.1", "0.2"], {**recorded, "sources_code": "other"})
    assert read[-1] == ["0.1", "0.2"]
