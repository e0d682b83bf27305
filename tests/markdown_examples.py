"""A Sybil parser for the code fences in docs/: the rules are in conftest.py's docstring."""

from __future__ import annotations

import ast
import asyncio
import contextlib
import difflib
import inspect
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

from sybil import Document, Example, Region
from sybil.evaluators.doctest import DocTestEvaluator
from sybil.evaluators.python import pad
from sybil.parsers.abstract.doctest import DocTestStringParser
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer
from sybil.region import Lexeme

FENCES = RawFencedCodeBlockLexer(info_pattern=re.compile(r"(?P<info>[^\n]*)$\n", re.MULTILINE))
OUTPUT_INFO = re.compile(r'text\s+title="Output"\s*')
SNIPPET_INCLUDE = re.compile(r"^\s*-+8<-+\s", re.MULTILINE)
DOCTESTS = DocTestStringParser(DocTestEvaluator(ELLIPSIS | NORMALIZE_WHITESPACE))


@dataclass(frozen=True)
class PythonBlock:
    """A python fence and, when the page shows one, the output it must print."""

    source: Lexeme
    output: str | None


def _language(fence: Region) -> str:
    info: str = fence.lexemes["info"]
    return info.split(maxsplit=1)[0] if info.strip() else ""


def _is_output(fence: Region) -> bool:
    return OUTPUT_INFO.fullmatch(fence.lexemes["info"].strip()) is not None


def parse_markdown(document: Document) -> Iterator[Region]:
    """Yield a region per python fence (with its output), pycon example and stray output."""
    fences = sorted(FENCES(document), key=lambda fence: fence.start)
    paired: set[int] = set()
    for index, this in enumerate(fences):
        after = fences[index + 1] if index + 1 < len(fences) else None
        source = this.lexemes["source"]
        if _language(this) == "pycon":
            for doctest in DOCTESTS(source, document.path):
                doctest.adjust(this, source)
                yield doctest
        if _language(this) != "python" or SNIPPET_INCLUDE.search(source):
            continue
        end, output = this.end, None
        between = document.text[this.end : after.start] if after else "no fence"
        if after is not None and _is_output(after) and not between.strip():
            end, output = after.end, after.lexemes["source"]
            paired.add(after.start)
        yield Region(this.start, end, PythonBlock(source, output), run_python)
    for fence in fences:
        if _is_output(fence) and fence.start not in paired:
            yield Region(fence.start, fence.end, None, _stray_output)
        if "`" in fence.lexemes["info"]:
            yield Region(fence.start, fence.start + 1, None, _prose_read_as_fence)


def run_python(example: Example) -> str | None:
    """Run a python fence in the page's namespace; compare what it prints, if shown."""
    block: PythonBlock = example.parsed
    source = pad(block.source, example.line + block.source.line_offset)
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    code = compile(source, example.path, "exec", flags=flags, dont_inherit=True)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        if code.co_flags & inspect.CO_COROUTINE:
            asyncio.run(eval(code, example.namespace))
        else:
            exec(code, example.namespace)
    example.namespace.pop("__builtins__", None)
    if block.output is None or printed.getvalue() == block.output:
        return None
    diff = difflib.unified_diff(
        block.output.splitlines(), printed.getvalue().splitlines(), "shown", "printed", lineterm=""
    )
    return "The page shows output the code does not print:\n" + "\n".join(diff)


def _stray_output(example: Example) -> str:
    return (
        'A ```text title="Output" fence must come right after the python fence whose'
        " output it shows; this one follows none, so nothing checks it."
    )


def _prose_read_as_fence(example: Example) -> str:
    return (
        "This line starts with backticks, so it reads as the start of a fence and may hide"
        " the fences after it. Reflow the paragraph so the line starts with a word."
    )
