"""Read, from a release's files (its wheel, never installed), the source a caller depends on.

For each release `units` takes, with `ast`, the source of every *unit* that can
change what a caller of the helpers sees:

- the four helpers and `_resolve_cache`;
- `BaseCache`'s default async methods (`alookup`, `aupdate`, `aclear`);
- `get_llm_cache` and `set_llm_cache`;
- the lines of `BaseLLM.generate` and `agenerate` that mention the cache or the
  helpers, and the `cache` field every language model declares;
- and, followed automatically, every function of langchain-core those call by
  name (so `run_in_executor` and the function it wraps), and every module-level
  value they read (so the global cache variable).

Each unit is kept twice, normalised: with docstrings (and comments) stripped,
and once more with annotations stripped too, so a change can be told apart
from one that only touched type hints. Releases before 0.0.2 kept the helpers
in `langchain_core.llm` and the cache in `langchain_core.schema.cache`:
`MODULES` lists each place in the order tried.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import itertools
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

MODULES: dict[str, tuple[str, ...]] = {
    "llms": ("langchain_core/language_models/llms.py", "langchain_core/llm.py"),
    "caches": ("langchain_core/caches.py", "langchain_core/schema/cache.py"),
    "globals": ("langchain_core/globals.py", "langchain_core/globals/__init__.py"),
    "base": (
        "langchain_core/language_models/base.py",
        "langchain_core/schema/language_model.py",
    ),
}
"""Each module the units start from, and where releases kept it, newest first."""

STARTS: tuple[tuple[str, str], ...] = (
    ("llms", "get_prompts"),
    ("llms", "aget_prompts"),
    ("llms", "update_cache"),
    ("llms", "aupdate_cache"),
    ("llms", "_resolve_cache"),
    ("caches", "BaseCache.alookup"),
    ("caches", "BaseCache.aupdate"),
    ("caches", "BaseCache.aclear"),
    ("globals", "get_llm_cache"),
    ("globals", "set_llm_cache"),
)
"""The units every release is searched for, as (module, qualified name)."""

CACHE_LINES: tuple[tuple[str, str], ...] = (
    ("llms", "BaseLLM.generate"),
    ("llms", "BaseLLM.agenerate"),
)
"""Methods of which only the lines mentioning the cache or the helpers are kept."""

CACHE_WORDS = re.compile(r"cache|get_prompts|missing_prompt|existing_prompts")
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("base", "BaseLanguageModel", "cache"),
    ("llms", "BaseLLM", "cache"),
)
"""The class attributes that declare what a language model's `cache` accepts."""

Read = Callable[[str], str | None]
"""A release's file by its path inside the wheel, or `None` if it has none."""


def wheel_reader(wheel: Path) -> Read:
    """Read files from a wheel (a zip file) without installing it."""
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())

    def read(path: str) -> str | None:
        return archive.read(path).decode() if path in names else None

    return read


def directory_reader(root: Path) -> Read:
    """Read files from a directory holding `langchain_core/` (an installed release)."""

    def read(path: str) -> str | None:
        file = root / path
        return file.read_text() if file.is_file() else None

    return read


class _StripDocstrings(ast.NodeTransformer):
    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Module)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
        return node


class _StripAnnotations(ast.NodeTransformer):
    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.annotation = None
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.returns = None
        return self.generic_visit(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        node.returns = None
        return self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST | None:
        if node.value is None:
            return None
        return ast.Assign(targets=[node.target], value=node.value, lineno=node.lineno)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        # `cast(T, value)` is a type hint too: it returns `value` unchanged.
        self.generic_visit(node)
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name == "cast" and len(node.args) == 2:
            return node.args[1]
        return node


def normalised(node: ast.AST, *, annotations: bool = True) -> str:
    """A node's source with docstrings and comments stripped (and annotations, if asked)."""
    tree = ast.parse(ast.unparse(node))  # a copy: the transformers edit in place
    tree = _StripDocstrings().visit(tree)
    if not annotations:
        tree = _StripAnnotations().visit(tree)
    return ast.unparse(ast.fix_missing_locations(tree))


@dataclass
class _Module:
    path: str
    tree: ast.Module

    def top(self) -> dict[str, ast.stmt]:
        found: dict[str, ast.stmt] = {}
        for statement in self.tree.body:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found[statement.name] = statement
            elif isinstance(statement, ast.Assign | ast.AnnAssign):
                targets = (
                    statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                )
                for target in targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = statement
        return found

    def find(self, qualname: str) -> ast.stmt | None:
        scope: list[ast.stmt] = self.tree.body
        found: ast.stmt | None = None
        for part in qualname.split("."):
            found = next(
                (
                    s
                    for s in scope
                    if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                    and s.name == part
                ),
                None,
            )
            if found is None:
                return None
            scope = found.body
        return found

    def imported(self) -> dict[str, tuple[str, str]]:
        """Names imported from other langchain-core modules: (dotted module, name there)."""
        # The package the module is in: the same for `a/b/c.py` and `a/b/__init__.py`.
        package = self.path.removesuffix(".py").split("/")[:-1]
        names: dict[str, tuple[str, str]] = {}
        for statement in ast.walk(self.tree):
            if not isinstance(statement, ast.ImportFrom):
                continue
            dotted = statement.module or ""
            if statement.level:  # relative: from the package this module is in
                parts = package[: len(package) - statement.level + 1]
                dotted = ".".join([*parts, *([dotted] if dotted else [])])
            if dotted.startswith("langchain_core"):
                for alias in statement.names:
                    names[alias.asname or alias.name] = (dotted, alias.name)
        return names


class Release:
    """One release's files, parsed on demand."""

    def __init__(self, read: Read) -> None:
        self.read = read
        self._parsed: dict[str, _Module | None] = {}

    def module(self, path: str) -> _Module | None:
        """The parsed module at a path, `None` if the release has no such file."""
        if path not in self._parsed:
            text = self.read(path)
            self._parsed[path] = None if text is None else _Module(path, ast.parse(text))
        return self._parsed[path]

    def by_import(self, dotted: str) -> _Module | None:
        """The module a dotted name imports (a module file or a package's `__init__`)."""
        base = dotted.replace(".", "/")
        return self.module(f"{base}.py") or self.module(f"{base}/__init__.py")

    def function(
        self, dotted: str, name: str, hops: int = 4
    ) -> tuple[_Module, ast.stmt, str] | None:
        """Where an imported function is defined, following re-exports."""
        module = self.by_import(dotted)
        if module is None or hops == 0:
            return None
        target = module.top().get(name)
        if isinstance(target, ast.FunctionDef | ast.AsyncFunctionDef):
            return module, target, name
        if target is None and name in (imported := module.imported()):
            return self.function(*imported[name], hops - 1)
        return None

    def start(self, key: str) -> _Module | None:
        """The first of the places `MODULES[key]` lists that the release has."""
        return next((m for p in MODULES[key] if (m := self.module(p)) is not None), None)


def _called(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def units(read: Read) -> dict[str, tuple[str, str]]:
    """Every unit a release has, by name, each as (without docstrings, without annotations too).

    A unit's name is `module-file:qualified.name`, so a unit that moved is a
    unit removed and one added.
    """
    release = Release(read)
    found: dict[str, tuple[str, str]] = {}
    pending: list[tuple[_Module, ast.stmt, str]] = []

    def keep(module: _Module, node: ast.stmt, qualname: str) -> None:
        name = f"{module.path}:{qualname}"
        if name in found:
            return
        found[name] = (normalised(node), normalised(node, annotations=False))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            pending.append((module, node, qualname))

    for key, qualname in STARTS:
        if (module := release.start(key)) and (node := module.find(qualname)):
            keep(module, node, qualname)
    for key, qualname in CACHE_LINES:
        if (module := release.start(key)) and (node := module.find(qualname)):
            lines = [line for line in normalised(node).splitlines() if CACHE_WORDS.search(line)]
            bare = normalised(node, annotations=False).splitlines()
            found[f"{module.path}:{qualname} (cache lines)"] = (
                "\n".join(lines),
                "\n".join(line for line in bare if CACHE_WORDS.search(line)),
            )
    for key, cls_name, attribute in FIELDS:
        if not ((module := release.start(key)) and (cls := module.find(cls_name))):
            continue
        for statement in cls.body:  # type: ignore[attr-defined]
            if isinstance(statement, ast.AnnAssign) and ast.unparse(statement.target) == attribute:
                text = normalised(statement)  # its annotation is what it declares: kept
                found[f"{module.path}:{cls_name}.{attribute}"] = (text, text)
    while pending:
        module, node, _ = pending.pop()
        top, imported = module.top(), module.imported()
        # Names read outside type hints: a TypeVar in an annotation reaches no caller.
        for name in sorted(_called(ast.parse(normalised(node, annotations=False)))):
            if name in top and not isinstance(top[name], ast.ClassDef):
                keep(module, top[name], name)
            elif name in imported and (reached := release.function(*imported[name])):
                keep(*reached)
    return dict(sorted(found.items()))


@dataclass(frozen=True)
class SourceChange:
    """The units that changed between two neighbouring releases.

    Attributes:
        last_old: The earlier release.
        first_new: The later one.
        units: Every unit whose source (docstrings stripped) differs, added or removed.
        beyond_annotations: Those that still differ with annotations stripped too.
    """

    last_old: str
    first_new: str
    units: tuple[str, ...]
    beyond_annotations: tuple[str, ...]


def changes(
    releases: list[str], sources: dict[str, dict[str, tuple[str, str]]]
) -> list[SourceChange]:
    """Every pair of neighbouring releases whose units differ, oldest first."""
    found = []
    for old, new in itertools.pairwise(releases):
        a, b = sources[old], sources[new]
        names = sorted(set(a) | set(b))
        differ = tuple(n for n in names if a.get(n, ("", ""))[0] != b.get(n, ("", ""))[0])
        bare = tuple(n for n in names if a.get(n, ("", ""))[1] != b.get(n, ("", ""))[1])
        if differ:
            found.append(SourceChange(old, new, differ, bare))
    return found


def diff(
    old: dict[str, tuple[str, str]], new: dict[str, tuple[str, str]], unit: str
) -> Iterator[str]:
    """A short unified diff of one unit between two releases (docstrings stripped)."""
    before = old.get(unit, ("", ""))[0].splitlines()
    after = new.get(unit, ("", ""))[0].splitlines()
    yield from difflib.unified_diff(before, after, "old", "new", lineterm="", n=1)


CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
"""This module's code, as a digest: the units it reads, and the data made from them, are
reused only while it is the same."""


def wheel_units(wheel: Path) -> dict[str, tuple[str, str]]:
    """A wheel's units, kept beside it (keyed by this module's code) so a rerun reads once."""
    kept = wheel.with_name(f"{wheel.name}.units-{CODE}.json")
    if kept.exists():
        return {name: (a, b) for name, (a, b) in json.loads(kept.read_text()).items()}
    found = units(wheel_reader(wheel))
    kept.write_text(json.dumps(found))
    return found


def fingerprint(found: dict[str, tuple[str, str]]) -> str:
    """A short digest of a release's units (docstrings stripped): equal source, equal text."""
    text = json.dumps({name: pair[0] for name, pair in found.items()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]
