"""The harness that runs a behaviour case: scenarios, recording caches, outcomes.

One module per job: `scenario` (the vocabulary of a call), `outcome` (what a
call did, as data), `text` (an outcome as text, for a person), `recording`
(the caches that log every call) and `observing` (`observe` and `run_cases`).
Everything is importable from here, as `llm_cache_reference.harness.observe`.

A `Scenario` describes one call: which helper, what `cache` argument, which
global cache, which prompts, hits and generations, and whether a cache write
fails. `observe` builds fresh inputs for it, calls one implementation (any
object or module with the helpers as attributes) and records an `Outcome`:
what came back, what happened to `existing_prompts`, every cache call in
order (each a `CacheCall`) and what each cache holds afterwards. Objects are
named by identity (`new[0]` is the very list the model returned, `llm_output`
the very dict), so a copy shows up as a difference.

An outcome is data; `Outcome.display` and `Outcome.render` turn it into text
for a person. `run_cases` runs cases (the table in `cases`) against a
candidate and against langchain-core, and reports where they agree.

Examples:
    >>> import llm_cache_reference
    >>> from llm_cache_reference.cases import CASES, CASES_BY_NAME
    >>> all(result.agree for result in run_cases(llm_cache_reference, CASES))
    True
    >>> case = CASES_BY_NAME["write-fails-halfway[update_cache]"]
    >>> outcome = observe(case.scenario, llm_cache_reference)
    >>> outcome.raised, [call.method for call in outcome.calls]
    ('CacheWriteError', ['update', 'update'])
    >>> print(outcome.render())
    raised:           CacheWriteError
    existing_prompts: {1: hit[1], 0: new[0], 2: new[1]}
    cache calls:      cache.update('a', 'llm-string', new[0])
                      cache.update('c', 'llm-string', new[1])
    cache contents:   cache: {'a': new[0]}
"""

from __future__ import annotations

from llm_cache_reference.harness.observing import (
    CaseResult,
    HasScenario,
    Recorded,
    WrongKind,
    observe,
    record,
    run_cases,
)
from llm_cache_reference.harness.outcome import (
    CacheCall,
    CacheContents,
    DictWrite,
    Event,
    Finish,
    Outcome,
    difference,
)
from llm_cache_reference.harness.recording import (
    AsyncRecordingCache,
    CallLog,
    Describer,
    DuckCache,
    FalsyRecordingCache,
    Log,
    RecordingCache,
    RecordingDict,
    Unprintable,
    cache_argument,
    contents,
    langchain_package_global,
    recording_cache,
    stored_value,
)
from llm_cache_reference.harness.scenario import (
    ASYNC_FUNCTIONS,
    ASYNC_TWIN,
    FUNCTIONS,
    LLM_STRING,
    CacheArg,
    CacheWriteError,
    FailWith,
    Flavour,
    FunctionName,
    Phase,
    Scenario,
    Stored,
    UnprintableError,
)
from llm_cache_reference.harness.text import (
    FIELD_LABELS,
    Display,
    OutcomeText,
    display,
    field_lines,
    render,
    words,
)

__all__ = [
    "ASYNC_FUNCTIONS",
    "ASYNC_TWIN",
    "FIELD_LABELS",
    "FUNCTIONS",
    "LLM_STRING",
    "AsyncRecordingCache",
    "CacheArg",
    "CacheCall",
    "CacheContents",
    "CacheWriteError",
    "CallLog",
    "CaseResult",
    "Describer",
    "DictWrite",
    "Display",
    "DuckCache",
    "Event",
    "FailWith",
    "FalsyRecordingCache",
    "Finish",
    "Flavour",
    "FunctionName",
    "HasScenario",
    "Log",
    "Outcome",
    "OutcomeText",
    "Phase",
    "Recorded",
    "RecordingCache",
    "RecordingDict",
    "Scenario",
    "Stored",
    "Unprintable",
    "UnprintableError",
    "WrongKind",
    "cache_argument",
    "contents",
    "difference",
    "display",
    "field_lines",
    "langchain_package_global",
    "observe",
    "record",
    "recording_cache",
    "render",
    "run_cases",
    "stored_value",
    "words",
]
