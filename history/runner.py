"""Install one langchain-core release in a throwaway environment and probe it.

Each release gets a fresh virtual environment made by uv (about a second, with
wheels from uv's cache), holding that release and nothing of this project. The
probe (`history.probe`, from a snapshot of the code taken when the run starts)
runs the cases it is given there and writes JSON.

A release's record holds each case's result under the case's `identity.key`,
so a record is extended, not redone, when cases are added: only the cases it
lacks are probed, in an environment pinned to the packages the record was
made with. Each record is stored in its own file as soon as it is made, so an
interrupted run resumes where it stopped; a record is reused only if it was
made by the same code (its `fingerprint`: the code that runs a case, not how
an outcome is shown as text, nor the table's other cases).

A release that cannot be installed, or whose probe fails, is recorded as such
with the reason, never dropped.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from history.identity import Identity, key
from llm_cache_reference import harness

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "reference" / "llm_cache_reference"
CASE_CODE = ("harness", "patching.py")
"""What runs a case, copied from `llm_cache_reference` into the snapshot as a package of
its own (the rest of the package, the case table included, is not needed there: the
cases travel as data)."""
SHOWN_ONLY = ("harness/text.py",)
"""Copied (the harness imports it) but left out of the fingerprint: how an outcome is shown
as text. The data keeps outcomes as data (`outcomes`), so it does not depend on this."""
PROBE_FILES = (
    "__init__.py",
    "adapter.py",
    "compat.py",
    "identity.py",
    "outcomes.py",
    "probe.py",
    "through_generate.py",
)
"""The modules the probe runs, copied (with the case code) into a snapshot for each run."""
EXTRA_REQUIREMENTS = ("pyyaml", "tenacity", "packaging", "anyio")
"""Imported by the 0.0.x releases without being declared; harmless for later ones,
which declare their own bounds on them (anyio aside, which none of them import)."""
REPORTED_PACKAGES = ("pydantic", "langsmith", "typing-extensions")
INSTALL_TIMEOUT = 300
PROBE_TIMEOUT = 300

Record = dict[str, Any]
"""One release: `version`, `fingerprint`, `status` (`ran`, `not installable`, `probe
failed`), and for one that ran its `installed` packages, `python`, `environment`,
`signatures` and `results`: each case's `result` and `replay`, by `identity.key`."""


def _code(source: str) -> str:
    """A module's code without its docstrings and comments, as comparable text."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]  # type: ignore[attr-defined]
    return ast.dump(tree)


def outcome_shape() -> list[tuple[str, list[tuple[str, str]]]]:
    """The fields of the outcome data (`harness.Outcome` and its parts), by class."""
    classes = (harness.Outcome, harness.CacheCall, harness.CacheContents)
    return [
        (cls.__name__, [(f.name, str(f.type)) for f in dataclasses.fields(cls)]) for cls in classes
    ]


def _copies(into: Path) -> list[tuple[Path, Path]]:
    package = into / "llm_cache_reference"
    copies = []
    for name in CASE_CODE:
        source = PACKAGE / name
        found = sorted(source.rglob("*.py")) if source.is_dir() else [source]
        copies += [(path, package / path.relative_to(PACKAGE)) for path in found]
    copies += [(ROOT / "history" / name, into / "history" / name) for name in PROBE_FILES]
    return copies


def snapshot(into: Path) -> str:
    """Copy the probe's code and the code that runs a case into a directory; fingerprint it.

    The probes run from the copy, so editing the working tree during a long run
    cannot mix two versions of the code under one fingerprint.

    Returns:
        A digest of everything a result depends on: the copied code (docstrings
        and comments aside, and `SHOWN_ONLY` aside), the shape of the outcome
        data, the extra requirements and the Python version.
    """
    (into / "llm_cache_reference").mkdir()
    (into / "llm_cache_reference" / "__init__.py").write_text("")
    digest = hashlib.sha256(platform.python_version().encode())
    digest.update(" ".join(EXTRA_REQUIREMENTS).encode())
    digest.update(repr(outcome_shape()).encode())
    for source, copy in _copies(into):
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, copy)
        name = source.relative_to(ROOT).as_posix()
        if not name.endswith(SHOWN_ONLY):
            digest.update(name.encode())
            digest.update(_code(source.read_text()).encode())
    return digest.hexdigest()[:16]


def _tail(text: str, lines: int = 6) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _uv() -> str:
    beside = Path(sys.executable).parent / "uv"
    found = str(beside) if beside.exists() else shutil.which("uv")
    if found is None:
        raise SystemExit("uv not found: pip install uv (see Makefile)")
    return found


def lacking(record: Record, cases: Sequence[Identity]) -> list[Identity]:
    """The cases a record that ran has no result for."""
    return [case for case in cases if key(case) not in record["results"]]


def merged(old: Record, new: Record) -> Record:
    """A record extended by a newer one of the same environment: every result of both."""
    return {**old, **new, "results": {**old["results"], **new["results"]}}


def same_environment(a: Record, b: Record) -> bool:
    """Whether two records of a release ran, in the same packages."""
    return bool(a["status"] == b["status"] == "ran" and a["installed"] == b["installed"])


@dataclass
class Runner:
    """Probes releases, one throwaway environment each, keeping every record.

    Attributes:
        store: The directory holding one `<version>.json` record per release.
        python: The interpreter each throwaway environment is made from.
        log: Where progress lines go.
        known: Records already made by the same code (from the data file,
            `analysis.records_from`), which the store's records extend.
    """

    store: Path
    python: str = sys.executable
    log: Callable[[str], None] = print
    known: dict[str, Record] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.store.mkdir(parents=True, exist_ok=True)
        self.code = Path(tempfile.mkdtemp(prefix="history-probe-"))
        weakref.finalize(self, shutil.rmtree, self.code, ignore_errors=True)
        self.fingerprint = snapshot(self.code)
        self.uv = _uv()
        self._writing = threading.Lock()

    def stored(self, version: str) -> Record | None:
        """What is known of a release made by this code: the data file's and the store's."""
        known = self.known.get(version)
        path = self.store / f"{version}.json"
        stored: Record | None = json.loads(path.read_text()) if path.exists() else None
        if stored is None or stored.get("fingerprint") != self.fingerprint:
            return known
        if known is not None and same_environment(known, stored):
            return merged(known, stored)
        return stored

    def record(self, version: str, cases: Sequence[Identity], *, fresh: bool = False) -> Record:
        """A record of a release with a result for every one of `cases`.

        What is known is reused and only the cases it lacks are probed, in an
        environment pinned to the packages the known record was made in; if
        that environment cannot be made again, every case is probed afresh.
        `fresh` probes all of `cases` again (pinned likewise) and keeps the
        record out of the store.
        """
        known = self.stored(version)
        if (
            not fresh
            and known is not None
            and (known["status"] != "ran" or not lacking(known, cases))
        ):
            return known
        ran = known is not None and known["status"] == "ran"
        pins = known["installed"] if known is not None and ran else None
        todo = lacking(known, cases) if known is not None and ran and not fresh else list(cases)
        started = time.monotonic()
        made = self._probe(version, todo, pins)
        if known is not None and pins is not None and not same_environment(known, made):
            self.log(f"{version}: its recorded packages cannot be installed again; rerunning")
            known, todo, made = None, list(cases), self._probe(version, cases, None)
        made["seconds"] = round(time.monotonic() - started, 1)
        made["probed"] = len(todo)
        if fresh:
            return made
        record = merged(known, made) if known is not None and ran else made
        with self._writing:
            (self.store / f"{version}.json").write_text(json.dumps(record, indent=1) + "\n")
        return record

    def records(
        self,
        versions: Iterable[str],
        cases: Sequence[Identity],
        jobs: int = 2,
        *,
        fresh: bool = False,
    ) -> dict[str, Record]:
        """Records for many releases, `jobs` at a time, with a progress line each."""
        versions = list(versions)
        done: dict[str, Record] = {}
        width = len(str(len(versions)))

        def one(version: str) -> None:
            before = None if fresh else self.stored(version)
            record = self.record(version, cases, fresh=fresh)
            done[version] = record
            if before is not None and (before["status"] != "ran" or not lacking(before, cases)):
                how = "recorded"
            else:
                how = f"{record['probed']} probed in {record['seconds']:.1f} s"
                how += ", afresh" if fresh else ""
            self.log(
                f"[{len(done):>{width}}/{len(versions)}] {version:<8}"
                f" {summary(record, cases)} ({how})"
            )

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(one, versions))
        return {version: done[version] for version in versions}

    def _probe(
        self, version: str, cases: Sequence[Identity], pins: dict[str, str] | None
    ) -> Record:
        record: Record = {"version": version, "fingerprint": self.fingerprint}
        with tempfile.TemporaryDirectory(prefix=f"lc-{version}-") as scratch:
            env_dir = Path(scratch) / "env"
            python = env_dir / "bin" / "python"
            environ = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
            pinned = [f"{name}=={pin}" for name, pin in (pins or {}).items()]
            install = [
                *(self.uv, "pip", "install", "--quiet", "--python", str(python)),
                *(f"langchain-core=={version}", *EXTRA_REQUIREMENTS, *pinned),
            ]
            # Pinned, the packages were installed before: uv's cache likely holds them all,
            # and asking the index again about each costs more than the install itself.
            offline = [[*install, "--offline"]] if pins else []
            steps = (
                [[self.uv, "venv", "--quiet", "--python", self.python, str(env_dir)]],
                [*offline, install],
            )
            for attempts in steps:
                for attempt, step in enumerate(attempts, start=1):
                    try:
                        done = subprocess.run(
                            step,
                            check=False,
                            capture_output=True,
                            text=True,
                            env=environ,
                            timeout=INSTALL_TIMEOUT,
                        )
                    except subprocess.TimeoutExpired:
                        reason = "install timed out"
                        return {**record, "status": "not installable", "reason": reason}
                    if done.returncode == 0:
                        break
                    if attempt < len(attempts):
                        continue
                    reason = _tail(done.stderr or done.stdout)
                    record.update(status="not installable", reason=reason)
                    # The requirement the index cannot satisfy, when uv names one.
                    if needs := re.search(r"depends on ([^\s,]+)", reason):
                        record["needs"] = needs.group(1)
                    return record
            record["installed"] = _installed(self.uv, python, environ)
            given, out = Path(scratch) / "cases.json", Path(scratch) / "probe.json"
            given.write_text(json.dumps(list(cases)))
            probe = [str(python), "-m", "history.probe", "--cases", str(given)]
            try:
                done = subprocess.run(
                    [*probe, "--out", str(out)],
                    check=False,
                    capture_output=True,
                    text=True,
                    cwd=self.code,
                    env={**environ, "PYTHONPATH": str(self.code)},
                    timeout=PROBE_TIMEOUT,
                )
            except subprocess.TimeoutExpired:
                return {**record, "status": "probe failed", "reason": "probe timed out"}
            if done.returncode != 0:
                return {**record, "status": "probe failed", "reason": _tail(done.stderr)}
            found = json.loads(out.read_text())
        return {
            **record,
            "status": "ran",
            "python": found["python"],
            "environment": found["environment"],
            "signatures": found["signatures"],
            "results": {
                key(case): {"result": result, "replay": replay}
                for case, result, replay in zip(
                    cases, found["cases"], found["generate"], strict=True
                )
            },
        }


def _installed(uv: str, python: Path, environ: dict[str, str]) -> dict[str, str]:
    frozen = subprocess.run(
        [uv, "pip", "freeze", "--python", str(python)],
        capture_output=True,
        text=True,
        env=environ,
        check=True,
    ).stdout
    pins = dict(line.split("==", 1) for line in frozen.splitlines() if "==" in line)
    return {name: pins[name] for name in REPORTED_PACKAGES if name in pins}


def summary(record: Record, cases: Sequence[Identity]) -> str:
    """One line: what happened to a release, for the given cases."""
    if record["status"] != "ran":
        reason = " ".join(record["reason"].split())
        return f"{record['status']}: {reason[:200]}"
    results = [record["results"][key(case)]["result"] for case in cases]
    ran = sum("outcome" in result for result in results)
    missing = sum("not_available" in result for result in results)
    errors = sum("error" in result for result in results)
    hangs = sum("hangs" in result for result in results)
    tail = f", {errors} harness errors" if errors else ""
    tail += f", {hangs} hang" if hangs else ""
    return f"{ran} cases ran, {missing} not available{tail}"
