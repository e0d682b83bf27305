"""A case's identity in the version history: its name and what its call sets.

The data file keys each case by its name and the scenario fields that differ
from `Scenario`'s defaults, as plain JSON data, and records the defaults once
beside them. So a field added to `Scenario` with a default leaves every
recorded case what it was, and a case added to the table is one more key:
`make history` runs only the cases whose key it has no result for.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Protocol

from llm_cache_reference.harness import Scenario

Identity = dict[str, Any]
"""`{"name": ..., "scenario": {field: value, ...}}`, the fields that differ from the defaults."""


class NamedCase(Protocol):
    """What an identity is made from: a case of `llm_cache_reference.cases`."""

    @property
    def name(self) -> str:
        """The case's name."""

    @property
    def scenario(self) -> Scenario:
        """The call it makes."""


def as_json(value: object) -> object:
    """A scenario value as JSON data: tuples become lists, all the way down."""
    if isinstance(value, tuple | list):
        return [as_json(item) for item in value]
    return value


def _as_tuples(value: object) -> object:
    if isinstance(value, list):
        return tuple(_as_tuples(item) for item in value)
    return value


def defaults() -> dict[str, object]:
    """Each `Scenario` field that has a default, and that default, as JSON data."""
    return {
        field.name: as_json(field.default)
        for field in dataclasses.fields(Scenario)
        if field.default is not dataclasses.MISSING
    }


def identity(case: NamedCase) -> Identity:
    """A case's name and the fields of its scenario that differ from the defaults."""
    given = defaults()
    fields = {
        field.name: as_json(getattr(case.scenario, field.name))
        for field in dataclasses.fields(Scenario)
    }
    return {
        "name": case.name,
        "scenario": {
            name: value
            for name, value in fields.items()
            if name not in given or value != given[name]
        },
    }


def key(found: Identity) -> str:
    """An identity as one comparable string (sorted, compact JSON)."""
    return json.dumps(found, sort_keys=True, separators=(",", ":"))


def scenario_of(fields: dict[str, Any]) -> Scenario:
    """The `Scenario` an identity's fields describe (the defaults for the rest)."""
    given: dict[str, Any] = {name: _as_tuples(value) for name, value in fields.items()}
    return Scenario(**given)


def as_today(found: Identity, recorded_defaults: dict[str, object]) -> Identity:
    """A recorded identity restated against today's defaults.

    A field the recording set to its default then is set explicitly if
    today's default differs; a field added since keeps today's default, which
    is what the recorded run had (it could not set what did not exist).
    """
    today = defaults()
    fields = {**recorded_defaults, **found["scenario"]}
    order = [field.name for field in dataclasses.fields(Scenario)]
    names = sorted(fields, key=lambda name: order.index(name) if name in order else len(order))
    return {
        "name": found["name"],
        "scenario": {
            name: fields[name] for name in names if name not in today or fields[name] != today[name]
        },
    }
