"""Ctrl-C while `python -m llm_cache_reference` is still starting: one line, exit 130.

Python runs the package's `__init__` (which imports langchain-core, about a
second) before any line of `__main__`, so `__main__` alone cannot keep an early
Ctrl-C from ending in a KeyboardInterrupt traceback. `__init__` therefore
installs `exit_quietly` first, only when the package is being run as that
command; `__main__` puts Python's own handler back once it is ready to stop
its child processes in an orderly way.
"""

from __future__ import annotations

import os
import sys
from types import FrameType

__all__ = ["MESSAGE", "exit_quietly", "running_as_command"]

MESSAGE = "Check interrupted."


def running_as_command() -> bool:
    """Whether this process is `python [options] -m llm_cache_reference ...`, still starting."""
    argv = sys.orig_argv
    return (
        sys.argv[:1] == ["-m"]  # Python's placeholder while it imports the package to run
        and "-m" in argv
        and argv[argv.index("-m") + 1 :][:1] == ["llm_cache_reference"]
    )


def exit_quietly(signum: int, frame: FrameType | None) -> None:
    """A SIGINT handler: say so in one line and end the process at once, with status 130."""
    os.write(2, f"{MESSAGE}\n".encode())
    os._exit(130)
