"""The ordered list of langchain-core's final releases."""

from __future__ import annotations

import subprocess
import sys

from packaging.version import Version

PACKAGE = "langchain-core"


def final_releases(package: str = PACKAGE) -> list[str]:
    """Every final release of a package on the index, oldest first.

    Asks the configured index once (`pip index versions`); pre-releases and
    development releases are left out.

    Args:
        package: The distribution name.

    Returns:
        The versions, in version order.
    """
    answer = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", package],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in answer.splitlines() if line.startswith("Available versions:"))
    versions = {Version(text.strip()) for text in line.partition(":")[2].split(",")}
    return [str(v) for v in sorted(versions) if not v.is_prerelease and not v.is_devrelease]
