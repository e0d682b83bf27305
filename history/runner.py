"""Install one langchain-core release in a throwaway environment and probe it.

Each release gets a fresh virtual environment made by uv (about a second, with
wheels from uv's cache), holding that release and nothing of this project. The
probe (`history.probe`, from a snapshot of the code taken when the run starts)
runs there and writes JSON. Each release's record is
stored in its own file as soon as it is made, so an interrupted run resumes
where it stopped; a record is reused only if it was made by the same probe code,
cases and interpreter (its `fingerprint`).

A release that cannot be installed, or whose probe fails, is recorded as such
with the reason, never dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CASE_FILES = (
    "cases.py",
    "patching.py",
    "harness/__init__.py",
    "harness/observing.py",
    "harness/outcome.py",
    "harness/recording.py",
    "harness/scenario.py",
    "harness/text.py",
)
"""The cases and the modules they run with, copied from `llm_cache_reference` into the
snapshot as a package of their own (the rest of the package is not needed there)."""
PROBE_FILES = ("__init__.py", "adapter.py", "compat.py", "probe.py", "through_generate.py")
"""The modules the probe runs, copied (with the cases) into a snapshot for each run."""
EXTRA_REQUIREMENTS = ("pyyaml", "tenacity", "packaging", "anyio")
"""Imported by the 0.0.x releases without being declared; harmless for later ones,
which declare their own bounds on them (anyio aside, which none of them import)."""
REPORTED_PACKAGES = ("pydantic", "langsmith", "typing-extensions")
INSTALL_TIMEOUT = 300
PROBE_TIMEOUT = 300

Record = dict[str, Any]


def snapshot(into: Path) -> str:
    """Copy the probe's code and the cases into a directory; return their fingerprint.

    The probes run from the copy, so editing the working tree during a long run
    cannot mix two versions of the code under one fingerprint.

    Returns:
        A digest of everything a record depends on: the copied files, the
        extra requirements and the Python version.
    """
    (into / "history").mkdir()
    package = into / "llm_cache_reference"
    (package / "harness").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    source = ROOT / "reference" / "llm_cache_reference"
    copies = [(source / name, package / name) for name in CASE_FILES]
    copies += [(ROOT / "history" / name, into / "history" / name) for name in PROBE_FILES]
    digest = hashlib.sha256(platform.python_version().encode())
    digest.update(" ".join(EXTRA_REQUIREMENTS).encode())
    for source, copy in copies:
        shutil.copyfile(source, copy)
        digest.update(copy.read_bytes())
    return digest.hexdigest()[:16]


def _tail(text: str, lines: int = 6) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _uv() -> str:
    beside = Path(sys.executable).parent / "uv"
    found = str(beside) if beside.exists() else shutil.which("uv")
    if found is None:
        raise SystemExit("uv not found: pip install uv (see Makefile)")
    return found


@dataclass
class Runner:
    """Probes releases, one throwaway environment each, keeping every record.

    Attributes:
        store: The directory holding one `<version>.json` record per release.
        python: The interpreter each throwaway environment is made from.
        log: Where progress lines go.
    """

    store: Path
    python: str = sys.executable
    log: Callable[[str], None] = print

    def __post_init__(self) -> None:
        self.store.mkdir(parents=True, exist_ok=True)
        self.code = Path(tempfile.mkdtemp(prefix="history-probe-"))
        weakref.finalize(self, shutil.rmtree, self.code, ignore_errors=True)
        self.fingerprint = snapshot(self.code)
        self.uv = _uv()

    def stored(self, version: str) -> Record | None:
        """The stored record for a release, if it is current."""
        path = self.store / f"{version}.json"
        if not path.exists():
            return None
        record: Record = json.loads(path.read_text())
        return record if record.get("fingerprint") == self.fingerprint else None

    def record(self, version: str, *, fresh: bool = False) -> Record:
        """The record for a release: stored if current (unless `fresh`), else made now."""
        if not fresh and (record := self.stored(version)) is not None:
            return record
        started = time.monotonic()
        record = self._probe(version)
        record["seconds"] = round(time.monotonic() - started, 1)
        if not fresh:
            path = self.store / f"{version}.json"
            path.write_text(json.dumps(record, indent=1) + "\n")
        return record

    def records(
        self, versions: Iterable[str], jobs: int = 2, *, fresh: bool = False
    ) -> dict[str, Record]:
        """Records for many releases, `jobs` at a time, with a progress line each."""
        versions = list(versions)
        done: dict[str, Record] = {}
        width = len(str(len(versions)))

        def one(version: str) -> None:
            reused = not fresh and self.stored(version) is not None
            record = self.record(version, fresh=fresh)
            done[version] = record
            how = "stored" if reused else f"{record['seconds']:.1f} s"
            how += ", afresh" if fresh else ""
            self.log(
                f"[{len(done):>{width}}/{len(versions)}] {version:<8} {summary(record)} ({how})"
            )

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(one, versions))
        return {version: done[version] for version in versions}

    def _probe(self, version: str) -> Record:
        record: Record = {"version": version, "fingerprint": self.fingerprint}
        with tempfile.TemporaryDirectory(prefix=f"lc-{version}-") as scratch:
            env_dir = Path(scratch) / "env"
            python = env_dir / "bin" / "python"
            environ = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
            steps = (
                [self.uv, "venv", "--quiet", "--python", self.python, str(env_dir)],
                [
                    self.uv,
                    "pip",
                    "install",
                    "--quiet",
                    "--python",
                    str(python),
                    f"langchain-core=={version}",
                    *EXTRA_REQUIREMENTS,
                ],
            )
            for step in steps:
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
                    return {**record, "status": "not installable", "reason": "install timed out"}
                if done.returncode != 0:
                    reason = _tail(done.stderr or done.stdout)
                    record.update(status="not installable", reason=reason)
                    # The requirement the index cannot satisfy, when uv names one.
                    if needs := re.search(r"depends on ([^\s,]+)", reason):
                        record["needs"] = needs.group(1)
                    return record
            record["installed"] = _installed(self.uv, python, environ)
            out = Path(scratch) / "probe.json"
            cases = self.code / "llm_cache_reference" / "cases.py"
            probe = [str(python), "-m", "history.probe", "--cases", str(cases)]
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
            return {**record, "status": "ran", "probe": json.loads(out.read_text())}


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


def summary(record: Record) -> str:
    """One line: what happened to a release."""
    if record["status"] != "ran":
        reason = " ".join(record["reason"].split())
        return f"{record['status']}: {reason[:200]}"
    results = record["probe"]["cases"].values()
    ran = sum("outcome" in result for result in results)
    missing = sum("not_available" in result for result in results)
    errors = sum("error" in result for result in results)
    hangs = sum("hangs" in result for result in results)
    tail = f", {errors} harness errors" if errors else ""
    tail += f", {hangs} hang" if hangs else ""
    return f"{ran} cases ran, {missing} not available{tail}"
