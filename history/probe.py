"""Run the behaviour cases against whichever langchain-core is importable.

Run in a throwaway environment that holds one release (see `runner`):

    python -m history.probe --cases cases.json --out probe.json

It aliases old import paths (`compat`), reads the cases to run as data (each
case's `identity`: its name and the scenario fields that differ from the
defaults), runs each against the release's own helpers through
`adapter.ReleaseHelpers`, reads the helpers' signatures, and writes it all as
JSON, each outcome as data (`outcomes`). The tests call `probe` directly
against the installed release.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import inspect
import json
import os
import platform
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from history import adapter, compat

if TYPE_CHECKING:  # identity imports langchain-core by today's paths: only after compat
    from history.identity import Identity

SIGNED_HELPERS = ("update_cache", "aupdate_cache", "get_prompts", "aget_prompts", "_resolve_cache")
"""The helpers whose signatures are compared; `_resolve_cache` is private."""

TIME_LIMIT = 5.0
"""Seconds a case (or its replay) may take; one that takes longer is recorded as `hangs`.

A case that passes completes in milliseconds; the limit is far above any
delay a loaded machine adds, so only a call that never returns reaches it."""

Result = dict[str, Any]
"""One case's result: `{"outcome": {...}}`, `{"hangs": limit}`, `{"not_available": why}`
or `{"error": why}`."""


def within_limit(run: Any, limit: float = TIME_LIMIT) -> Result:
    """Run `run()` in a thread; its result, or `{"hangs": limit}` if it has not returned in time.

    A thread that hangs is left behind (a daemon: it cannot be stopped), and
    the global cache it may have set is cleared, so the next case starts clean.
    """
    box: list[Result] = []
    thread = threading.Thread(target=lambda: box.append(run()), daemon=True)
    thread.start()
    thread.join(limit)
    if box:
        return box[0]
    from langchain_core.globals import set_llm_cache  # noqa: PLC0415 (after compat.install())

    set_llm_cache(None)
    return {"hangs": limit}


def environment() -> dict[str, bool]:
    """Facts about the environment some cases depend on, read before any case runs."""
    return {"langchain_importable": importlib.util.find_spec("langchain") is not None}


def _annotation(annotation: object) -> str:
    if isinstance(annotation, str):
        return annotation
    return inspect.formatannotation(annotation)


def signature_of(function: Any) -> dict[str, Any]:
    """Describe a helper's signature as plain data.

    Args:
        function: The helper.

    Returns:
        Where it lives, whether it is async, each parameter (name, kind,
        default as `repr`, annotation as text) and the return annotation.
    """
    signature = inspect.signature(function)
    parameters = []
    for parameter in signature.parameters.values():
        described = {"name": parameter.name, "kind": parameter.kind.name}
        if parameter.default is not parameter.empty:
            described["default"] = repr(parameter.default)
        if parameter.annotation is not parameter.empty:
            described["annotation"] = _annotation(parameter.annotation)
        parameters.append(described)
    return {
        "module": function.__module__,
        "async": inspect.iscoroutinefunction(function),
        "parameters": parameters,
        "returns": _annotation(signature.return_annotation),
    }


def signatures(module: ModuleType) -> dict[str, dict[str, Any] | None]:
    """Every signed helper's signature, `None` for a helper the release lacks."""
    found = {name: getattr(module, name, None) for name in SIGNED_HELPERS}
    return {name: None if f is None else signature_of(f) for name, f in found.items()}


def run_cases(cases: Sequence[Identity], module: ModuleType) -> list[Result]:
    """Run each case against the helpers in `module`.

    Args:
        cases: The cases' identities (`identity.identity`).
        module: The release's helpers module.

    Returns:
        Each case's result, in the order of `cases`.
    """
    # Import langchain-core by today's paths, so only after compat.install().
    from history.identity import scenario_of  # noqa: PLC0415
    from history.outcomes import outcome_data  # noqa: PLC0415
    from llm_cache_reference import harness  # noqa: PLC0415

    helpers = adapter.ReleaseHelpers(module)
    results: list[Result] = []
    for case in cases:
        scenario = scenario_of(case["scenario"])
        reason = adapter.unavailable(module, scenario)
        if reason is not None:
            results.append({"not_available": reason})
            continue

        def run(scenario: Any = scenario) -> Result:
            try:
                outcome = harness.observe(scenario, helpers)
            except Exception as error:  # the harness itself could not run the case here
                return {"error": f"{type(error).__name__}: {error}"}
            return {"outcome": outcome_data(outcome)}

        results.append(within_limit(run))
    return results


def replay_cases(cases: Sequence[Identity], module: ModuleType) -> list[Result]:
    """Replay each case through `generate` (see `through_generate`), in order."""
    # Import langchain-core by today's paths, so only after compat.install().
    from history import through_generate  # noqa: PLC0415
    from history.identity import scenario_of  # noqa: PLC0415

    results: list[Result] = []
    for case in cases:
        scenario = scenario_of(case["scenario"])

        def run(scenario: Any = scenario) -> Result:
            try:
                return through_generate.replay(scenario, module)
            except Exception as error:  # the replay itself could not run here
                return {"error": f"{type(error).__name__}: {error}"}

        results.append(within_limit(run))
    return results


def probe(cases: Sequence[Identity], module: ModuleType) -> dict[str, Any]:
    """Everything recorded for one release, as JSON-ready data.

    `cases` and `generate` hold each case's direct result and its replay
    through `generate`, in the order of `cases`.
    """
    return {
        "langchain_core": importlib.metadata.version("langchain-core"),
        "python": platform.python_version(),
        "environment": environment(),
        "signatures": signatures(module),
        "cases": run_cases(cases, module),
        "generate": replay_cases(cases, module),
    }


def main(argv: list[str] | None = None) -> None:
    """Probe the importable release and write the result as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases", type=Path, required=True, help="a JSON list of the cases' identities"
    )
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON")
    options = parser.parse_args(argv)
    aliases = compat.install()
    cases = json.loads(options.cases.read_text())
    module = importlib.import_module("langchain_core.language_models.llms")
    result = probe(cases, module)
    result["aliases"] = aliases
    options.out.write_text(json.dumps(result, indent=1) + "\n")
    sys.stdout.flush()
    os._exit(0)  # without waiting for a case's thread that hangs


if __name__ == "__main__":
    main()
