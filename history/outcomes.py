"""A case's outcome as the version history keeps it: data, never text.

The data file holds each `Outcome` field by field (a cache call as its owner,
method, arguments and phase), so how an outcome is shown as text can change
without touching the data: the page makes the text when it is rendered.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from llm_cache_reference.harness import CacheCall, CacheContents, Outcome

OutcomeData = dict[str, Any]
"""An `Outcome` as JSON data: its fields, `calls` and `cached` as lists of objects."""


def outcome_data(outcome: Outcome) -> OutcomeData:
    """An outcome as JSON data (tuples become lists), field by field."""
    data: OutcomeData = json.loads(json.dumps(dataclasses.asdict(outcome)))
    return data


def outcome_from_data(data: OutcomeData) -> Outcome:
    """The `Outcome` that `outcome_data` made the data from."""
    return Outcome(
        returned=data["returned"],
        raised=data["raised"],
        existing_prompts=data["existing_prompts"],
        calls=tuple(
            CacheCall(call["owner"], call["method"], tuple(call["arguments"]), call["phase"])
            for call in data["calls"]
        ),
        cached=tuple(
            CacheContents(contents["owner"], tuple(map(tuple, contents["entries"])))
            for contents in data["cached"]
        ),
    )
