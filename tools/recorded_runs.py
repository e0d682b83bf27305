"""The commands whose real output the docs show, and the files that hold it.

Each tutorial script is run as a learner runs it, in a fresh process from a
fresh working directory; the checker is run in-process through its command
line entry point. `tests/tools/test_recorded_runs.py` compares every output with
its file, so a stale file fails the tests; `make tutorials-expected` (this
module run as a script) writes them all anew.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from llm_cache_reference.cases import CASES, Case
from llm_cache_reference.checker import memory
from llm_cache_reference.checker.cli import main as checker_main

ROOT = Path(__file__).resolve().parent.parent
TUTORIALS = ROOT / "tutorials"
EXPECTED = TUTORIALS / "expected"
TRACES = EXPECTED / "traces"
"""The reference traced on every case (`python -m llm_cache_reference trace CASE`)."""
SLIDE_CODE = ROOT / "slides" / "code"
SLIDE_EXPECTED = ROOT / "slides" / "expected"
CHECKER_COLUMNS = 80
"""The terminal width the checker's recorded reports are laid out for: the docs' column."""


@dataclass(frozen=True)
class Recording:
    """A command, run once per expected file, in order, in one working directory.

    Attributes:
        name: What the test is called.
        command: A tutorial script's path and arguments, relative to the root
            (`{workdir}` stands for the working directory), or the checker's
            arguments when `checker` is set.
        expected: One file per run.
        checker: Whether `command` goes to `python -m llm_cache_reference`.
        exit_status: What every run must exit with.
        on_stderr: Whether what is recorded is the run's stderr (then its stdout
            must be empty) rather than its stdout (then its stderr must be).
    """

    name: str
    command: tuple[str, ...]
    expected: tuple[Path, ...]
    checker: bool = False
    exit_status: int = 0
    on_stderr: bool = False

    def recorded(self, output: Output) -> tuple[str, str]:
        """What the run printed that is recorded, and what it printed elsewhere."""
        if self.on_stderr:
            return output.stderr, output.stdout
        return output.stdout, output.stderr


@dataclass(frozen=True)
class Output:
    """What one run printed and how it ended."""

    stdout: str
    stderr: str
    exit_status: int


def _runs(name: str, runs: int) -> tuple[Path, ...]:
    """The expected files of a command run `runs` times: NAME.txt, then NAME.runN.txt."""
    later = (EXPECTED / f"{name}.run{n}.txt" for n in range(2, runs + 1))
    return (EXPECTED / f"{name}.txt", *later)


def _script(name: str, *args: str, runs: int = 1) -> Recording:
    return Recording(name, (f"tutorials/{name}.py", *args), _runs(name, runs))


def _slide_code(name: str) -> Recording:
    expected = (SLIDE_EXPECTED / f"{name}.txt",)
    return Recording(f"slide-{name}", (f"slides/code/{name}.py",), expected)


def _check(
    name: str, *args: str, exit_status: int, on_stderr: bool = False, runs: int = 1
) -> Recording:
    """The checker run `runs` times, as a learner who checks again (it remembers between runs)."""
    expected = _runs(f"check-{name}", runs)
    return Recording(f"check-{name}", ("check", *args), expected, True, exit_status, on_stderr)


def _trace(name: str, case: str, *file: str, exit_status: int) -> Recording:
    expected = (EXPECTED / f"trace-{name}.txt",)
    return Recording(f"trace-{name}", ("trace", case, *file), expected, True, exit_status)


def _reference_trace(case: Case) -> Recording:
    """The reference traced on one case, in a folder per helper (no brackets in the name)."""
    expected = (TRACES / case.scenario.function / f"{case.slug}.txt",)
    return Recording(f"trace-{case.name}", ("trace", case.name), expected, True, 0)


RECORDINGS: tuple[Recording, ...] = (
    _script("00_setup_check"),
    _script("01_cache_in_one_call"),
    _script("02_update_cache_by_hand"),
    _script("03_async_twin"),
    _script("04_resolving_cache"),
    _script("05_when_things_go_wrong"),
    _script("06_sqlite_cache", "{workdir}/llm-cache.sqlite3", runs=2),
    _script("07_drop_in"),
    _check(
        "broken_truthiness",
        "tests/checker_inputs/broken_truthiness.py",
        "--step=1",
        exit_status=1,
        runs=2,
    ),
    _check(
        "broken_forgets_existing_prompts",
        "tests/checker_inputs/broken_forgets_existing_prompts.py",
        "--step=1",
        exit_status=1,
    ),
    _check(
        "broken_missing_await",
        "tests/checker_inputs/broken_missing_await.py",
        "--step=3",
        exit_status=1,
    ),
    _check(
        "broken_commented_out_import",
        "tests/checker_inputs/broken_commented_out_import.py",
        "--step=2",
        exit_status=1,
    ),
    _check(
        "broken_equals_true",
        "tests/checker_inputs/broken_equals_true.py",
        "--step=2",
        exit_status=1,
    ),
    _check(
        "hangs_update_cache",
        "tests/checker_inputs/hangs_update_cache.py",
        "--step=1",
        "--time-limit=0.5",
        exit_status=1,
    ),
    _check(
        "raises_unexpectedly",
        "tests/checker_inputs/raises_unexpectedly.py",
        "--step=4",
        exit_status=1,
    ),
    _check(
        "summary-broken_truthiness",
        "tests/checker_inputs/broken_truthiness.py",
        "--summary",
        exit_status=1,
    ),
    _check(
        "wrong_kinds",
        "tests/checker_inputs/wrong_kinds.py",
        exit_status=2,
        on_stderr=True,
    ),
    _check("starter-step1", "tutorials/exercises/my_cache_helpers.py", "--step=1", exit_status=1),
    _check("starter-step2", "tutorials/exercises/my_cache_helpers.py", "--step=2", exit_status=1),
    _check("starter-step3", "tutorials/exercises/my_cache_helpers.py", "--step=3", exit_status=1),
    _check(
        "summary-starter", "tutorials/exercises/my_cache_helpers.py", "--summary", exit_status=1
    ),
    _check("solution", "tutorials/exercises/solutions/solved_cache_helpers.py", exit_status=0),
    _trace(
        "broken_truthiness",
        "falsy-cache-still-written",
        "tests/checker_inputs/broken_truthiness.py",
        exit_status=1,
    ),
    _trace(
        "broken_forgets_existing_prompts",
        "hits-and-misses",
        "tests/checker_inputs/broken_forgets_existing_prompts.py",
        exit_status=1,
    ),
    _trace(
        "broken_missing_await",
        "hits-and-misses",
        "tests/checker_inputs/broken_missing_await.py",
        exit_status=1,
    ),
    _trace(
        "broken_commented_out_import",
        "none-without-global",
        "tests/checker_inputs/broken_commented_out_import.py",
        exit_status=1,
    ),
    _trace(
        "broken_equals_true",
        "unsupported-1",
        "tests/checker_inputs/broken_equals_true.py",
        exit_status=1,
    ),
    *(_reference_trace(case) for case in CASES),
    _slide_code("cache_key"),
    _slide_code("write_back_by_hand"),
    _slide_code("is_not_equals"),
    _slide_code("forgotten_await"),
)


def run(recording: Recording, workdir: Path) -> list[Output]:
    """Run a recording's command once per expected file; return each output."""
    return [_run_once(recording, workdir) for _ in recording.expected]


def run_all(workdirs: Path) -> dict[str, list[Output]]:
    """Run every recording, each in a working directory of its own under `workdirs`.

    The scripts run in parallel: each is a process of its own, and most of its time
    goes into importing langchain-core. The checker runs in this process, redirecting
    sys.stdout, so its recordings run one at a time, after the scripts.
    """

    def run_in_own_dir(recording: Recording) -> list[Output]:
        workdir = workdirs / recording.name
        workdir.mkdir()
        return run(recording, workdir)

    scripts = [recording for recording in RECORDINGS if not recording.checker]
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        outputs = {
            r.name: out for r, out in zip(scripts, pool.map(run_in_own_dir, scripts), strict=True)
        }
    for recording in RECORDINGS:
        if recording.checker:
            outputs[recording.name] = run_in_own_dir(recording)
    return outputs


def _run_once(recording: Recording, workdir: Path) -> Output:
    # What the checker remembers between checks stays in the recording's own directory:
    # a recording's first check is a learner's first, and its next ones follow it.
    remembered = {memory.ENVIRONMENT: str(workdir / "seen.json")}
    if recording.checker:
        stdout, stderr = io.StringIO(), io.StringIO()
        # The report follows the terminal's width.
        shown = {"COLUMNS": str(CHECKER_COLUMNS), **remembered}
        with (
            mock.patch.dict(os.environ, shown),
            contextlib.redirect_stdout(stdout),
            contextlib.redirect_stderr(stderr),
        ):
            status = checker_main(list(recording.command))
        return Output(stdout.getvalue(), stderr.getvalue(), status)
    script, *args = (part.format(workdir=workdir) for part in recording.command)
    completed = subprocess.run(
        [sys.executable, str(ROOT / script), *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **remembered},
    )
    return Output(completed.stdout, completed.stderr, completed.returncode)


def write_all() -> None:
    """Run every recording and write its output files."""
    previous = Path.cwd()
    os.chdir(ROOT)  # the checker's report names files as they were given
    try:
        with tempfile.TemporaryDirectory() as workdirs:
            outputs = run_all(Path(workdirs))
    finally:
        os.chdir(previous)
    for recording in RECORDINGS:
        for output, path in zip(outputs[recording.name], recording.expected, strict=True):
            recorded, elsewhere = recording.recorded(output)
            if elsewhere or output.exit_status != recording.exit_status:
                raise SystemExit(f"{recording.name}: exit {output.exit_status}\n{elsewhere}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(recorded)
            print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    write_all()
