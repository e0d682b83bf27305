"""Run the behaviour cases against whichever langchain-core is importable.

Run in a throwaway environment that holds one release (see `runner`):

    python -m history.probe --cases reference/llm_cache_reference/cases.py --out probe.json

It aliases old import paths (`compat`), loads the cases module from its file
(the environment has only langchain-core, not this project), runs every case
against the release's own helpers through `adapter.ReleaseHelpers`, reads the
helpers' signatures, and writes it all as JSON. The tests call `probe` directly
against the installed release.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import inspect
import json
import platform
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from history import adapter, compat

SIGNED_HELPERS = ("update_cache", "aupdate_cache", "get_prompts", "aget_prompts", "_resolve_cache")
"""The helpers whose signatures are compared; `_resolve_cache` is private."""

Result = dict[str, Any]
"""One case's result: `{"outcome": {...}}`, `{"not_available": why}` or `{"error": why}`."""


def load_cases(path: Path) -> ModuleType:
    """Import the cases module from its file, without the package around it.

    Args:
        path: `cases.py`.

    Returns:
        The module, registered in `sys.modules` as `llm_cache_cases`.
    """
    spec = importlib.util.spec_from_file_location("llm_cache_cases", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


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


def run_cases(cases: ModuleType, module: ModuleType) -> dict[str, Result]:
    """Run every case in `cases.CASES` against the helpers in `module`.

    Args:
        cases: The cases module (from this project, or loaded by `load_cases`).
        module: The release's helpers module.

    Returns:
        Each case's result, by case name, in the order of `CASES`.
    """
    # Imports langchain-core by today's paths, so only after compat.install().
    from llm_cache_reference import harness  # noqa: PLC0415

    helpers = adapter.ReleaseHelpers(module)
    results: dict[str, Result] = {}
    for case in cases.CASES:
        reason = adapter.unavailable(module, case.scenario)
        if reason is not None:
            results[case.name] = {"not_available": reason}
            continue
        try:
            outcome = harness.observe(case.scenario, helpers)
        except Exception as error:  # the harness itself could not run the case here
            results[case.name] = {"error": f"{type(error).__name__}: {error}"}
            continue
        results[case.name] = {"outcome": dict(outcome.as_text())}
    return results


def replay_cases(cases: ModuleType, module: ModuleType) -> dict[str, Result]:
    """Replay every case through `generate` (see `through_generate`), by case name."""
    # Imports langchain-core by today's paths, so only after compat.install().
    from history import through_generate  # noqa: PLC0415

    results: dict[str, Result] = {}
    for case in cases.CASES:
        try:
            results[case.name] = through_generate.replay(case.scenario, module)
        except Exception as error:  # the replay itself could not run here
            results[case.name] = {"error": f"{type(error).__name__}: {error}"}
    return results


def surroundings(module: ModuleType) -> dict[str, str]:
    """Two facts around the helpers that explain some of their changes.

    Returns:
        `base_cache_methods`: the cache methods `BaseCache` defines (the async
        ones arrived with the async helpers); `llm_cache_field`: the kinds of
        value the LLM's `cache` field is declared to accept, however the
        release spells its annotation.
    """
    from langchain_core.caches import BaseCache  # noqa: PLC0415 (after compat.install())

    methods = ("lookup", "update", "clear", "alookup", "aupdate", "aclear")
    fields = getattr(module.BaseLLM, "model_fields", None) or module.BaseLLM.__fields__
    field = fields["cache"]
    declared = _annotation(getattr(field, "outer_type_", None) or field.annotation)
    kinds = {"None" if word == "NoneType" else word for word in re.findall(r"\w+", declared)}
    if "Optional" in kinds:
        kinds.add("None")
    kinds -= {"Optional", "Union", "typing", "langchain_core", "caches"}
    return {
        "base_cache_methods": " ".join(m for m in methods if hasattr(BaseCache, m)),
        "llm_cache_field": " | ".join(sorted(kinds)),
    }


def probe(cases: ModuleType, module: ModuleType) -> dict[str, Any]:
    """Everything recorded for one release, as JSON-ready data."""
    return {
        "langchain_core": importlib.metadata.version("langchain-core"),
        "python": platform.python_version(),
        "signatures": signatures(module),
        "surroundings": surroundings(module),
        "cases": run_cases(cases, module),
        "generate": replay_cases(cases, module),
    }


def main(argv: list[str] | None = None) -> None:
    """Probe the importable release and write the result as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, required=True, help="path to cases.py")
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON")
    options = parser.parse_args(argv)
    aliases = compat.install()
    cases = load_cases(options.cases)
    module = importlib.import_module("langchain_core.language_models.llms")
    result = probe(cases, module)
    result["aliases"] = aliases
    options.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
