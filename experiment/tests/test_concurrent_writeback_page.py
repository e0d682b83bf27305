"""The page "Concurrent write-back" and its chart are what the code and the data render to."""

from __future__ import annotations

import asyncio
import platform
import types
from pathlib import Path

import pytest

import llm_cache_reference
from experiment import benchmark, page
from experiment.experimental import aupdate_cache_concurrent
from llm_cache_reference.cases import CASES_BY_NAME
from llm_cache_reference.harness import run_cases

REGENERATE = "regenerate with: .venv/bin/python -m experiment.page"


def test_the_page_is_what_the_cases_and_the_data_render_to() -> None:
    committed = page.PAGE.read_text(encoding="utf-8")
    assert page.render_page(committed, page.blocks(page.load_data())) == committed, REGENERATE


def test_the_chart_is_what_the_data_renders_to() -> None:
    committed = page.CHART.read_text(encoding="utf-8")
    assert page.chart(page.load_data()) == committed, REGENERATE


def test_the_committed_data_is_a_full_run_at_the_stated_settings() -> None:
    data = page.load_data()
    settings = data["settings"]
    assert settings["latency_ms"] == 5
    assert settings["sizes"] == list(benchmark.SIZES)
    for key, repetitions in (("latency", "repetitions"), ("overhead", "overhead_repetitions")):
        assert set(data[key]) == set(benchmark.IMPLEMENTATIONS)
        for by_size in data[key].values():
            assert [int(size) for size in by_size] == settings["sizes"]
            assert all(len(samples) == settings[repetitions] for samples in by_size.values())
    assert settings["redis_sizes"] == list(benchmark.REDIS_SIZES)
    assert [int(delay) for delay in data["redis"]] == list(benchmark.REDIS_DELAYS_MS)
    for by_name in data["redis"].values():
        assert set(by_name) == set(benchmark.IMPLEMENTATIONS)
        for by_size in by_name.values():
            assert [int(size) for size in by_size] == settings["redis_sizes"]
            assert all(
                len(samples) == settings["redis_repetitions"] for samples in by_size.values()
            )


def test_the_page_names_nothing_host_specific() -> None:
    text = page.PAGE.read_text(encoding="utf-8")
    assert platform.release() not in text
    assert platform.node() not in text
    assert set(benchmark.machine()) == set(page.load_data()["machine"]) - {"load_average_at_end"}


def test_every_difference_among_the_cases_is_explained() -> None:
    results = run_cases(page.CONCURRENT, page.WRITE_BACK_CASES)
    verdicts = [page.verdict(result) for result in results]
    assert all(found.explained for found in verdicts)
    differing = {result.case.name for result in results if not result.agree}
    assert "awaits-each-write[aupdate_cache]" in differing
    assert "sync-only-cache[aupdate_cache]" not in differing


def test_an_agreement_without_overlap_is_not_passed_off_as_explained() -> None:
    # The sequential reference, standing in for the experiment, agrees everywhere; where
    # an async cache gets two writes, that agreement is a sign nothing ran concurrently.
    [result] = run_cases(llm_cache_reference, (CASES_BY_NAME["awaits-each-write[aupdate_cache]"],))
    assert result.agree
    assert page.verdict(result) == page.Verdict(True, False, "Not explained: no overlap.")


def test_a_prompt_written_once_where_langchain_core_writes_it_twice_is_explained() -> None:
    [result] = run_cases(page.CONCURRENT, (CASES_BY_NAME["same-index-twice[aupdate_cache]"],))
    assert result.differing == ("calls",)
    found = page.verdict(result)
    assert (found.agree, found.explained, found.kind) == (False, True, "how many writes are made")
    assert found.reason.startswith("The same outcome with 1 write fewer: a prompt that misses")


def test_a_write_left_out_that_nothing_replaces_is_not_explained() -> None:
    # langchain-core writes 'c' twice; a candidate that keeps the first write and drops the
    # second (the one that decides what stays) is not the experiment's trade.
    async def drops_the_last_write(*args: object) -> object:
        cache, existing, llm_string, missing, new_results, prompts = args
        for i, generations in enumerate(new_results.generations):  # type: ignore[attr-defined]
            existing[missing[i]] = generations  # type: ignore[index]
        await cache.aupdate(prompts[2], llm_string, new_results.generations[0])  # type: ignore[attr-defined,index]
        return new_results.llm_output  # type: ignore[attr-defined]

    broken = types.SimpleNamespace(aupdate_cache=drops_the_last_write)
    [result] = run_cases(broken, (CASES_BY_NAME["same-index-twice[aupdate_cache]"],))
    assert "calls" in result.differing
    assert not page.verdict(result).explained


def test_the_summary_counts_each_kind_of_difference() -> None:
    results = run_cases(page.CONCURRENT, page.WRITE_BACK_CASES)
    summary = page.cases_table(results).splitlines()[0]
    kinds = [page.verdict(result).kind for result in results if not result.agree]
    assert summary.endswith(
        f"differ in the cache calls only: {kinds.count('their order')} in their order,"
        f" {kinds.count('how many writes are made')} in how many writes are made."
    )


def test_a_difference_in_outcome_is_shown_as_it_is() -> None:
    async def forgets_llm_output(*args: object) -> object:
        await aupdate_cache_concurrent(*args)  # type: ignore[arg-type]
        return None

    broken = types.SimpleNamespace(aupdate_cache=forgets_llm_output)
    results = run_cases(broken, (CASES_BY_NAME["hits-and-misses[aupdate_cache]"],))
    found = page.verdict(results[0])
    assert not found.explained
    assert found.reason.startswith("Not explained: returned: expected llm_output, got None")
    with pytest.raises(page.Unexplained, match=r"^hits-and-misses\[aupdate_cache\]: Not expl"):
        page.cases_table(results)


def test_regen_stops_on_an_unexplained_difference_and_names_the_case(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async def forgets_llm_output(*args: object) -> object:
        await aupdate_cache_concurrent(*args)  # type: ignore[arg-type]
        return None

    before = page.PAGE.read_text(encoding="utf-8")
    copy = tmp_path / "concurrent-writeback.md"
    copy.write_text(before, encoding="utf-8")
    monkeypatch.setattr(page, "PAGE", copy)
    monkeypatch.setattr(page, "ROOT", tmp_path)
    monkeypatch.setattr(page, "CONCURRENT", types.SimpleNamespace(aupdate_cache=forgets_llm_output))
    with pytest.raises(SystemExit, match=r"not written: hits-and-misses\[aupdate_cache\]: "):
        page.main([])
    assert copy.read_text(encoding="utf-8") == before  # left as it was


def test_render_page_needs_a_pair_of_markers_for_every_part() -> None:
    text = "a\n<!-- generated: x -->\nold\n<!-- end generated: x -->\nb\n"
    assert page.render_page(text, {"x": "new"}) == text.replace("old", "new")
    with pytest.raises(ValueError, match=r"no markers on the page for \['y'\]"):
        page.render_page(text, {"x": "new", "y": "more"})


def test_the_benchmark_refuses_a_write_back_that_leaves_writes_out() -> None:
    async def writes_nothing(*args: object) -> None:
        return None

    with pytest.raises(AssertionError, match="left writes out"):
        asyncio.run(benchmark.time_write_back(writes_nothing, 3, 0.0, calls=2))
    for function in benchmark.IMPLEMENTATIONS.values():
        assert asyncio.run(benchmark.time_write_back(function, 3, 0.0, calls=2)) > 0
