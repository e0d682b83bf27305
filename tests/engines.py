"""The three browser engines a learner may have, as the tests drive them, all from Debian.

Chromium and Firefox ESR through puppeteer-core (npm; Firefox over WebDriver BiDi) in
`engines_driver.mjs`; WebKitGTK, Safari's engine family, through Selenium and Debian's
WebKitWebDriver, on a display of its own (Xvfb), since its browser has no headless mode.
Each opens one page of the built site, waits for its Python, and makes a list of calls to
the page API `window.llmCacheReference`, in order, on that one runtime.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.chromium import FLAGS as CHROMIUM_FLAGS

ROOT = Path(__file__).resolve().parents[1]
ENGINES = ("chromium", "firefox", "webkit")
MINIBROWSER = Path("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
# What to install where an engine is missing: Debian's packages, nothing downloaded.
PACKAGES = {
    "chromium": ("chromium", "chromium"),
    "firefox": ("firefox-esr", "firefox-esr"),
    "webkit": ("WebKitWebDriver", "webkit2gtk-driver xvfb"),
}
# A call waits for the page's Python; the first load on a busy 2-core machine takes a while.
LONG = 600


@dataclass(frozen=True)
class Call:
    """One call to the page API: `window.llmCacheReference[method](*args)`."""

    method: str
    args: tuple[Any, ...]


@dataclass
class Session:
    """What one engine did: seconds from opening the page to ready, and each call's result."""

    engine: str
    ready_seconds: float
    info: dict[str, Any]
    results: list[dict[str, Any]]


def executable(engine: str) -> str:
    """The engine's browser (or driver) path; skip without it, or fail under CI."""
    command, packages = PACKAGES[engine]
    path = shutil.which(command)
    if path is None or (engine == "webkit" and not (MINIBROWSER.exists() and shutil.which("Xvfb"))):
        message = (
            f"{engine} is not installed, so the page was not tested in it. Install Debian's: "
            f"apt-get update && apt-get install -y {packages}"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def run(engine: str, url: str, calls: Sequence[Call]) -> Session:
    """Open `url` in `engine`, wait for its Python, and make `calls` there, in order."""
    path = executable(engine)
    if engine == "webkit":
        return _in_webkit(path, url, calls)
    flags = CHROMIUM_FLAGS if engine == "chromium" else []
    jobs = [{"call": call.method, "args": list(call.args)} for call in calls]
    ran = subprocess.run(
        ["node", str(ROOT / "tests" / "engines_driver.mjs"), engine, path, url, json.dumps(flags)],
        input=json.dumps(jobs),
        capture_output=True,
        text=True,
        timeout=LONG * (1 + len(calls)),
        check=False,
    )
    lines = [json.loads(line) for line in ran.stdout.splitlines()]
    if ran.returncode != 0 or len(lines) != 1 + len(calls):
        raise AssertionError(f"{engine} stopped after {len(lines)} lines:\n{ran.stderr}")
    ready, *results = lines
    return Session(engine, ready["ready"], ready["info"], results)


# Selenium's callback comes last among the script's arguments.
_CALL_IN_WEBKIT = """
const [method, args, done] = arguments;
window.llmCacheReference[method](...args).then(
    (value) => done({value}),
    (error) => done({thrown: `${error.name}: ${error.message}`}));
"""
_READY_IN_WEBKIT = """
const done = arguments[0];
window.llmCacheReference.ready().then(() => done(window.llmCacheReference.info));
"""


def _in_webkit(driver_path: str, url: str, calls: Sequence[Call]) -> Session:
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.options import Options
    from selenium.webdriver.webkitgtk.service import Service

    options = Options()
    options.binary_location = str(MINIBROWSER)
    options.add_argument("--automation")
    with _display() as display:
        # The driver's path is given, so Selenium Manager never looks for (or fetches) one.
        service = Service(executable_path=driver_path, env={**os.environ, "DISPLAY": display})
        with warnings.catch_warnings():
            # Selenium's own WebKitGTK driver still uses the form it deprecates (4.50).
            warnings.filterwarnings("ignore", "setting remote_server_addr", DeprecationWarning)
            browser = webdriver.WebKitGTK(options=options, service=service)
        try:
            browser.set_script_timeout(LONG)
            browser.set_window_size(1280, 900)
            started = time.monotonic()
            browser.get(url)
            info = browser.execute_async_script(_READY_IN_WEBKIT)
            ready = time.monotonic() - started
            results = [
                browser.execute_async_script(_CALL_IN_WEBKIT, call.method, list(call.args))
                for call in calls
            ]
        finally:
            browser.quit()
    return Session("webkit", ready, info, results)


@contextlib.contextmanager
def _display() -> Iterator[str]:
    """A virtual display for WebKitGTK's browser; Xvfb picks a free number and says it."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as said:
            yield f":{said.readline().strip()}"
    finally:
        server.terminate()
        server.wait()
