"""Debian's Chromium, as every browser test here starts it.

Run as root, with no network and nothing phoning home. The host resolver knows
127.0.0.1 only, so a request to any other host fails in the browser itself.
"""

from __future__ import annotations

import os
import shutil

import pytest

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def executable(what: str) -> str:
    """Chromium's path; without one, skip the test, or fail it under CI (env CI set).

    Args:
        what: What goes untested without Chromium, for the message.
    """
    path = shutil.which("chromium")
    if path is None:
        message = (
            f"Chromium is not installed, so {what} was not tested. "
            "Install Debian's: apt-get update && apt-get install -y chromium"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path
