"""mkdocs hook: the langchain-core release every page's outputs were made with, from uv.lock.

Every output on the site is what the code printed in the environment uv.lock pins, so the
lock, not a number typed into a page, names the release; site_build/overrides/main.html shows it
at the top of every page.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

LOCK = Path(__file__).resolve().parents[2] / "uv.lock"


def locked_version(package: str, lock: Path = LOCK) -> str:
    """The version of `package` that uv.lock pins."""
    locked = tomllib.loads(lock.read_text())
    (version,) = {entry["version"] for entry in locked["package"] if entry["name"] == package}
    return str(version)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Name the pinned langchain-core release for the page template."""
    config.extra["langchain_core"] = locked_version("langchain-core")
    return config
