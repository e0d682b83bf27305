"""Let an old langchain-core release answer to today's import paths.

The behaviour cases (`llm_cache_reference/cases.py`) import `BaseCache` from
`langchain_core.caches`, `Generation` and `LLMResult` from
`langchain_core.outputs`, and the helpers from
`langchain_core.language_models.llms`. The earliest 0.0.x releases kept the
same classes and functions under other names (`langchain_core.schema.cache`,
`langchain_core.schema.output`, `langchain_core.llm`). `install` registers each
old module under its modern name, only when the modern name does not import, so
the cases module loads unchanged and uses the release's own classes.

Nothing is copied or rewritten: an alias is the old module object itself.
"""

from __future__ import annotations

import importlib
import sys
import types

MODERN_TO_OLD: dict[str, str] = {
    "langchain_core.caches": "langchain_core.schema.cache",
    "langchain_core.outputs": "langchain_core.schema.output",
    "langchain_core.language_models.llms": "langchain_core.llm",
}
"""Each modern module path, and where releases before it kept the same names."""


def _imports(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError:
        return False
    return True


def install() -> dict[str, str]:
    """Alias every modern module this release lacks to the old module it has.

    Returns:
        The aliases made, modern name to old name; empty for a modern release.

    Raises:
        ModuleNotFoundError: Neither the modern nor the old module imports.
    """
    made: dict[str, str] = {}
    for modern, old in MODERN_TO_OLD.items():
        if _imports(modern):
            continue
        module = importlib.import_module(old)
        parent_name, _, leaf = modern.rpartition(".")
        if parent_name not in sys.modules and not _imports(parent_name):
            # `from langchain_core.language_models import llms` needs the parent too.
            sys.modules[parent_name] = types.ModuleType(parent_name)
        sys.modules[modern] = module
        setattr(sys.modules[parent_name], leaf, module)
        made[modern] = old
    return made
