"""The behaviour cases replayed through `llm.generate` and `llm.agenerate`.

A case calls a helper directly. Most people never do: they call
`llm.generate(prompts)` (or `await llm.agenerate(prompts)`), which calls the
helpers for them. `replay` turns a case's scenario into that call, so a change
between releases can be checked for what a `generate` user can see:

- The model is `ScriptedLLM`; the `cache` argument becomes the LLM's `cache`
  field, and the case's global cache is set as the global cache.
- The caches are the cases' own recording caches, of the case's flavour. The
  case's hits (or its stored lookups) are put in every cache beforehand, so the
  cache in play finds them. Here the caches key on the prompt alone and their
  calls are shown without `llm_string`: the `llm_string` that `generate` builds
  differs from release to release and is not what is being compared.
- The model answers each prompt it is sent with one generation list, plus (or
  minus) as many as the case's scenario has generation lists beyond (or short
  of) its missing indices.

What the user can see is what `generate` returned or raised, every model and
cache call, and what the caches hold afterwards. Alongside, each call the LLM
made to the module's helpers is recorded (`helpers`), with what it returned:
that is how a change the user cannot see is explained, by observation.

A case whose indices could not come out of `get_prompts` (say, an index past
the last prompt) has no counterpart through `generate`.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from types import ModuleType
from typing import Any, cast

from langchain_core.globals import get_llm_cache, set_llm_cache
from langchain_core.language_models.llms import BaseLLM
from langchain_core.outputs import Generation, LLMResult

from llm_cache_reference import harness
from llm_cache_reference.patching import patched_helpers


def text(value: object) -> str:
    """Describe a value, showing each `Generation` as its text alone."""
    if isinstance(value, Generation):
        return repr(value.text)
    if isinstance(value, list):
        return "[" + ", ".join(map(text, value)) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(map(text, value)) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{text(k)}: {text(v)}" for k, v in value.items()) + "}"
    return repr(value)


class Log:
    """The visible calls (model and caches) and the helper calls, in order.

    It is a `harness.CallLog`, so the cases' recording caches write to it.
    """

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.helpers: list[str] = []
        self.writes = 0

    def record(
        self, owner: str, method: str, *args: object, phase: harness.Phase | None = None
    ) -> None:
        """Log one cache call, leaving out its `llm_string` (the second argument)."""
        shown = ", ".join([*map(repr, args[:1]), *map(text, args[2:])])
        after = "" if phase is None else f" {phase}"
        self.calls.append(f"{owner}.{method}({shown}){after}")


class PromptKeyed(dict[str, Any]):
    """A cache's store that keys on the prompt alone, ignoring the `llm_string`."""

    def get(self, key: Any, default: Any = None) -> Any:
        """What is stored for the key's prompt."""
        return super().get(key[0], default)

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key[0], value)


_script: dict[str, Any] = {"log": Log(), "extra": 0}


class ScriptedLLM(BaseLLM):
    """A model that answers the prompts it is sent with numbered generations."""

    def _generate(
        self, prompts: list[str], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> LLMResult:
        _script["log"].calls.append(f"model({prompts!r})")
        count = max(0, len(prompts) + _script["extra"])
        return LLMResult(
            generations=[[Generation(text=f"new {i}")] for i in range(count)],
            llm_output={"token_usage": 7},
        )

    @property
    def _llm_type(self) -> str:
        return "scripted"


def _returned(name: str, value: Any) -> str:
    if name.endswith("get_prompts"):
        existing, _, missing_idxs, _ = value
        return f"hits {text(existing)}, missing indices {missing_idxs}"
    return text(value)


def _spy(log: Log, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def note(outcome: str) -> None:
        log.helpers.append(f"{name} {outcome}")

    if inspect.iscoroutinefunction(function):

        async def spy_async(*args: Any, **kwargs: Any) -> Any:
            try:
                value = await function(*args, **kwargs)
            except Exception as error:
                note(f"raised {type(error).__name__}")
                raise
            note(f"returned {_returned(name, value)}")
            return value

        return spy_async

    def spy(*args: Any, **kwargs: Any) -> Any:
        try:
            value = function(*args, **kwargs)
        except Exception as error:
            note(f"raised {type(error).__name__}")
            raise
        note(f"returned {_returned(name, value)}")
        return value

    return spy


def not_expressible(scenario: Any) -> str | None:
    """Why a case has no counterpart through `generate`, or `None` if it has one."""
    if scenario.writes_back:
        indices = sorted([*scenario.hits, *scenario.missing_prompt_idxs])
        if indices != list(range(len(scenario.prompts))):
            return (
                "generate makes existing_prompts and missing_prompt_idxs itself, from the"
                " prompts, and cannot make these"
            )
    return None


def replay(scenario: harness.Scenario, module: ModuleType) -> dict[str, Any]:
    """Replay one case's scenario through `generate` or `agenerate`.

    Args:
        scenario: The case's `Scenario`.
        module: The release's helpers module, whose helpers are spied on.

    Returns:
        `{"not_expressible": why}`, or what `generate` did: `raised` or
        `generated` and `llm_output`, the visible `calls`, the caches'
        contents (`cached`) and the `helpers` it called.
    """
    if (why := not_expressible(scenario)) is not None:
        return {"not_expressible": why}
    log = Log()
    caches: list[Any] = []

    def new_cache(name: str) -> harness.RecordingCache:
        cache = harness.recording_cache(
            scenario.flavour, name, log, scenario.fail_on_write, scenario.fail_with
        )
        cache.store = cast("dict[tuple[str, str], Any]", PromptKeyed())
        if scenario.writes_back:
            for i in scenario.hits:
                cache.store[scenario.prompts[i], ""] = [Generation(text=f"hit {i}")]
        for prompt, kind in scenario.stored:
            cache.store[prompt, ""] = harness.stored_value(kind, prompt)
        return cache

    cache_arg = harness.cache_argument(scenario.cache, log, new_cache)
    if isinstance(cache_arg, harness.RecordingCache):
        caches.append(cache_arg)
    result: dict[str, Any] = {"raised": None}
    try:
        llm = ScriptedLLM(cache=cast(Any, cache_arg))
    except Exception as error:
        result["raised"] = f"{type(error).__name__} (making the LLM)"
        llm = None
    if scenario.global_cache:
        caches.append(new_cache("global"))
    extra = scenario.generations - len(scenario.missing_prompt_idxs) if scenario.writes_back else 0
    _script.update(log=log, extra=extra)
    previous_global = get_llm_cache()
    set_llm_cache(caches[-1] if scenario.global_cache else None)
    legacy: AbstractContextManager[None] = nullcontext()
    if scenario.langchain_global:
        caches.append(new_cache("langchain"))
        legacy = harness.langchain_package_global(caches[-1])
    try:
        if llm is not None:
            spied = [name for name in harness.FUNCTIONS if hasattr(module, name)]
            spy = functools.partial(_spy, log)
            with legacy, patched_helpers(module, wrap=spy, into=module, helpers=spied):
                is_async = scenario.function in harness.ASYNC_FUNCTIONS
                output = _generate(llm, list(scenario.prompts), is_async)
            if isinstance(output, str):
                result["raised"] = output
            else:
                result["generated"] = text(output.generations)
                result["llm_output"] = text(output.llm_output)
    finally:
        set_llm_cache(previous_global)
    result["calls"] = log.calls
    result["cached"] = "; ".join(f"{c.name}: {text(dict(c.store))}" for c in caches) or "no cache"
    result["helpers"] = log.helpers
    return result


def _generate(llm: BaseLLM, prompts: list[str], is_async: bool) -> LLMResult | str:
    try:
        if is_async:
            return asyncio.run(llm.agenerate(prompts))
        return llm.generate(prompts)
    except Exception as error:
        return type(error).__name__


def visible(result: dict[str, Any]) -> dict[str, Any]:
    """The part of a replay a `generate` user can see: all but the helper calls."""
    return {key: value for key, value in result.items() if key != "helpers"}
