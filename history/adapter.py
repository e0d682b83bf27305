"""Call an old release's helpers the way the behaviour cases call today's.

`observe` (in `llm_cache_reference.harness`) calls each helper positionally with
today's signatures:

- `update_cache(cache, existing_prompts, llm_string, missing_prompt_idxs, new_results, prompts)`
- `get_prompts(params, prompts, cache)`

and the async twins alike. Older releases differ, so `ReleaseHelpers` stands in
for the release's module with one rule per difference:

1. A helper the release does not have: the case is not available.
2. A helper with today's parameter names, in any order: every argument goes
   to the parameter of the same name. Nothing is translated, so the meaning is
   the same.
3. A helper with no `cache` parameter (before the argument arrived, the helpers
   always used the global cache). That is exactly what `cache=None` means today,
   so a case with `cache=None` runs with the argument left out. Any other `cache`
   argument has no counterpart: the case is not available.
4. A helper with a parameter today's helper does not have: not available.

The stand-in for an async helper is itself async, and a sync one sync, so the
cases still check that each helper is of the right kind.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Protocol

CACHE_PARAMETER = "cache"
MODERN_PARAMETERS: dict[str, tuple[str, ...]] = {
    "update_cache": (
        "cache",
        "existing_prompts",
        "llm_string",
        "missing_prompt_idxs",
        "new_results",
        "prompts",
    ),
    "get_prompts": ("params", "prompts", "cache"),
}
MODERN_PARAMETERS["aupdate_cache"] = MODERN_PARAMETERS["update_cache"]
MODERN_PARAMETERS["aget_prompts"] = MODERN_PARAMETERS["get_prompts"]


class ScenarioLike(Protocol):
    """The two fields of `llm_cache_reference.harness.Scenario` the adapter reads."""

    @property
    def function(self) -> str:
        """Which helper the scenario calls."""

    @property
    def cache(self) -> str:
        """The `cache` argument, spelled as in the call."""


def unavailable(module: object, scenario: ScenarioLike) -> str | None:
    """Say why a scenario cannot run against this release, or `None` if it can.

    Args:
        module: The release's `langchain_core.language_models.llms` (or alias).
        scenario: The call a case makes.

    Returns:
        The reason, in words, or `None`.
    """
    function = getattr(module, scenario.function, None)
    if function is None:
        return f"this release has no {scenario.function}"
    names = tuple(inspect.signature(function).parameters)
    unknown = [name for name in names if name not in MODERN_PARAMETERS[scenario.function]]
    if unknown:
        return f"{scenario.function} has parameters today's does not: {', '.join(unknown)}"
    if CACHE_PARAMETER not in names and scenario.cache != "None":
        return (
            f"{scenario.function} has no cache parameter (it always uses the global cache),"
            f" so cache={scenario.cache} has no counterpart"
        )
    return None


def _by_name(function: Callable[..., Any], modern: tuple[str, ...], args: tuple[Any, ...]) -> Any:
    given = dict(zip(modern, args, strict=True))
    parameters = inspect.signature(function).parameters.values()
    positional = [
        given[p.name]
        for p in parameters
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name in given
    ]
    keywords = {p.name: given[p.name] for p in parameters if p.kind == p.KEYWORD_ONLY}
    return function(*positional, **keywords)


class ReleaseHelpers:
    """The release's helpers, callable with today's positional signatures."""

    def __init__(self, module: object) -> None:
        self.module = module

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name not in MODERN_PARAMETERS:
            raise AttributeError(name)
        function = getattr(self.module, name)
        modern = MODERN_PARAMETERS[name]

        if inspect.iscoroutinefunction(function):

            async def call_async(*args: Any) -> Any:
                return await _by_name(function, modern, args)

            call_async.__name__ = name
            return call_async

        def call(*args: Any) -> Any:
            return _by_name(function, modern, args)

        call.__name__ = name
        return call
