"""langchain-core's releases on the package index, and their wheels.

The wheels are kept in a cache outside git (`WHEELS`, by default
`~/.cache/llm-cache-reference/wheels`, or `$LLM_CACHE_REFERENCE_WHEELS`), so a
second run needs no network. A wheel is only ever read, never installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from packaging.version import Version

PACKAGE = "langchain-core"
WHEELS = Path(
    os.environ.get(
        "LLM_CACHE_REFERENCE_WHEELS", Path.home() / ".cache" / "llm-cache-reference" / "wheels"
    )
)


def all_releases(package: str = PACKAGE) -> list[str]:
    """Every release of a package on the index, pre-releases included, oldest first.

    Asks the configured index once (`pip index versions --pre`).
    """
    answer = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", "--pre", package],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in answer.splitlines() if line.startswith("Available versions:"))
    return [str(v) for v in sorted({Version(t.strip()) for t in line.partition(":")[2].split(",")})]


def is_final(version: str) -> bool:
    """Whether a version is a final release (not a pre-release or development release)."""
    parsed = Version(version)
    return not parsed.is_prerelease and not parsed.is_devrelease


def wheel_path(version: str, store: Path = WHEELS) -> Path | None:
    """The cached wheel of a release, if it has been downloaded."""
    found = sorted(store.glob(f"langchain_core-{version}-*.whl"))
    return found[0] if found else None


def download(
    versions: Iterable[str],
    store: Path = WHEELS,
    jobs: int = 3,
    log: Callable[[str], None] = print,
) -> dict[str, Path]:
    """Download every release's wheel not yet in the cache (`pip download --no-deps`).

    Returns:
        Each release's wheel, by version.

    Raises:
        RuntimeError: A wheel could not be downloaded.
    """
    store.mkdir(parents=True, exist_ok=True)
    versions = list(versions)
    wanted = [v for v in versions if wheel_path(v, store) is None]
    if wanted:
        log(f"downloading {len(wanted)} wheels into {store}")

    def fetch(version: str) -> None:
        subprocess.run(
            [
                *(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"),
                *("--only-binary=:all:", "--dest", str(store), f"{PACKAGE}=={version}"),
            ],
            capture_output=True,
            text=True,
            check=True,
        )

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(fetch, wanted))
    found = {v: wheel_path(v, store) for v in versions}
    absent = [v for v, path in found.items() if path is None]
    if absent:
        raise RuntimeError(f"no wheel downloaded for {', '.join(absent)}")
    return {v: path for v, path in found.items() if path is not None}
