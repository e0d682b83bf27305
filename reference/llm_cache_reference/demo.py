"""Stand-ins for the docs: a model and a cache that say what is done to them.

`PrintingLLM` is a real langchain-core `BaseLLM`, so `generate`, `agenerate`,
`invoke` and `stream` run langchain-core's own code around it, cache handling
included. It only replaces the model call: it prints which prompts it was
asked and answers each one with a numbered string. `PrintingCache` is a real
`BaseCache` that prints every lookup and every write. `printing_helpers`
makes langchain-core's four cache helpers print each call made to them.
Together they make the order of events inside langchain-core visible on a page.

Examples:
    >>> cache = PrintingCache()
    >>> model = PrintingLLM(cache=cache)
    >>> print(model.invoke("hi"))
    cache.lookup('hi') -> miss
    model._generate(['hi'])
    cache.update('hi', [Generation(text='answer 1 to hi')])
    answer 1 to hi
    >>> print(model.invoke("hi"))
    cache.lookup('hi') -> hit
    answer 1 to hi
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from langchain_core.caches import BaseCache
from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseLLM
from langchain_core.language_models import llms as langchain_llms
from langchain_core.outputs import Generation, GenerationChunk, LLMResult
from pydantic import PrivateAttr
from typing_extensions import override

from llm_cache_reference.patching import patched_helpers

__all__ = ["PrintingCache", "PrintingLLM", "printing_helpers"]


class PrintingCache(BaseCache):
    """A dict-backed cache that prints each call made to it, sync or async.

    Args:
        name: How the cache is named in what it prints.
        show_llm_string: Print the `llm_string` half of each key too.

    Examples:
        >>> import asyncio
        >>> cache = PrintingCache("mine", show_llm_string=True)
        >>> asyncio.run(cache.aupdate("hi", "m", [Generation(text="hello")]))
        mine.aupdate('hi', 'm', [Generation(text='hello')])
        >>> asyncio.run(cache.alookup("hi", "m"))
        mine.alookup('hi', 'm') -> hit
        [Generation(text='hello')]
        >>> cache.clear()
        mine.clear()
    """

    def __init__(self, name: str = "cache", *, show_llm_string: bool = False) -> None:
        self.name = name
        self.show_llm_string = show_llm_string
        self.store: dict[tuple[str, str], Sequence[Generation]] = {}

    def _call(self, method: str, prompt: str, llm_string: str, *rest: object) -> str:
        shown = [prompt, llm_string] if self.show_llm_string else [prompt]
        return f"{self.name}.{method}({', '.join(map(repr, [*shown, *rest]))})"

    def _find(self, method: str, prompt: str, llm_string: str) -> Sequence[Generation] | None:
        found = self.store.get((prompt, llm_string))
        print(self._call(method, prompt, llm_string), "->", "miss" if found is None else "hit")
        return found

    @override
    def lookup(self, prompt: str, llm_string: str) -> Sequence[Generation] | None:
        return self._find("lookup", prompt, llm_string)

    @override
    def update(self, prompt: str, llm_string: str, return_val: Sequence[Generation]) -> None:
        print(self._call("update", prompt, llm_string, return_val))
        self.store[prompt, llm_string] = return_val

    @override
    def clear(self, **kwargs: Any) -> None:
        print(f"{self.name}.clear()")
        self.store.clear()

    @override
    async def alookup(self, prompt: str, llm_string: str) -> Sequence[Generation] | None:
        return self._find("alookup", prompt, llm_string)

    @override
    async def aupdate(self, prompt: str, llm_string: str, return_val: Sequence[Generation]) -> None:
        print(self._call("aupdate", prompt, llm_string, return_val))
        self.store[prompt, llm_string] = return_val


class PrintingLLM(BaseLLM):
    """A fake model that prints each call langchain-core makes to it.

    The n-th answer this model gives is `"answer n to <prompt>"`, so a second
    answer to the same prompt can be told from the first. `llm_output` says
    how many prompts the call answered. `calls` keeps the prompts of each call,
    for code that checks what the model was asked rather than reading it.

    Examples:
        >>> model = PrintingLLM()
        >>> result = model.generate(["a", "b"])
        model._generate(['a', 'b'])
        >>> [generations[0].text for generations in result.generations]
        ['answer 1 to a', 'answer 2 to b']
        >>> result.llm_output
        {'prompts_answered': 2}
        >>> import asyncio
        >>> asyncio.run(model.agenerate(["c"])).llm_output
        model._agenerate(['c'])
        {'prompts_answered': 1}
        >>> list(model.stream("d e"))
        model._stream('d e')
        ['answer', ' 4', ' to', ' d', ' e']
        >>> async def stream_f() -> list[str]:
        ...     return [chunk async for chunk in model.astream("f")]
        >>> asyncio.run(stream_f())
        model._astream('f')
        ['answer', ' 5', ' to', ' f']
        >>> model.calls
        [['a', 'b'], ['c'], ['d e'], ['f']]
    """

    _answers_given: int = PrivateAttr(default=0)
    _calls: list[list[str]] = PrivateAttr(default_factory=list)

    @property
    def calls(self) -> list[list[str]]:
        """The prompts of each call made to the model, in order."""
        return self._calls

    def _asked(self, method: str, asked: list[str] | str) -> None:
        """Note a call and print it; a stream is asked one prompt, not a list."""
        self._calls.append(list(asked) if isinstance(asked, list) else [asked])
        print(f"model.{method}({asked!r})")

    @property
    @override
    def _llm_type(self) -> str:
        return "printing"

    def _answer(self, prompt: str) -> str:
        self._answers_given += 1
        return f"answer {self._answers_given} to {prompt}"

    def _answer_all(self, prompts: list[str]) -> LLMResult:
        return LLMResult(
            generations=[[Generation(text=self._answer(prompt))] for prompt in prompts],
            llm_output={"prompts_answered": len(prompts)},
        )

    @override
    def _generate(
        self,
        prompts: list[str],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> LLMResult:
        self._asked("_generate", prompts)
        return self._answer_all(prompts)

    @override
    async def _agenerate(
        self,
        prompts: list[str],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> LLMResult:
        self._asked("_agenerate", prompts)
        return self._answer_all(prompts)

    def _chunks(self, prompt: str) -> Iterator[GenerationChunk]:
        first, *rest = self._answer(prompt).split(" ")
        yield GenerationChunk(text=first)
        for word in rest:
            yield GenerationChunk(text=" " + word)

    @override
    def _stream(
        self,
        prompt: str,
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[GenerationChunk]:
        self._asked("_stream", prompt)
        yield from self._chunks(prompt)

    @override
    async def _astream(
        self,
        prompt: str,
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[GenerationChunk]:
        self._asked("_astream", prompt)
        for chunk in self._chunks(prompt):
            yield chunk


def _printing(name: str, helper: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(helper)

    def announce(*args: Any, **kwargs: Any) -> None:
        arguments = signature.bind(*args, **kwargs).arguments
        shown = "missing_prompt_idxs" if "missing_prompt_idxs" in arguments else "prompts"
        print(f"{name}({shown}={arguments[shown]!r})")

    if inspect.iscoroutinefunction(helper):

        @functools.wraps(helper)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            announce(*args, **kwargs)
            return await helper(*args, **kwargs)

        return async_wrapper

    @functools.wraps(helper)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        announce(*args, **kwargs)
        return helper(*args, **kwargs)

    return wrapper


@contextmanager
def printing_helpers(module: ModuleType = langchain_llms) -> Iterator[None]:
    """Make the four cache helpers in `module` print each call made to them.

    Each call prints the helper's name and the argument that says most about
    it: the prompts for a lookup helper, the missing indices for a write-back
    one. The helpers are put back on exit.

    Args:
        module: Where `generate` finds the helpers: langchain-core's `llms`
            module, whose helpers may have been replaced by the reference's.

    Examples:
        >>> model = PrintingLLM(cache=PrintingCache())
        >>> with printing_helpers():
        ...     _ = model.generate(["a"])
        get_prompts(prompts=['a'])
        cache.lookup('a') -> miss
        model._generate(['a'])
        update_cache(missing_prompt_idxs=[0])
        cache.update('a', [Generation(text='answer 1 to a')])
        >>> import asyncio
        >>> with printing_helpers():
        ...     _ = asyncio.run(model.agenerate(["a"]))
        aget_prompts(prompts=['a'])
        cache.alookup('a') -> hit
    """
    with patched_helpers(module, wrap=_printing, into=module):
        yield
