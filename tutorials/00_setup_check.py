"""Run this first: is everything the tutorials and the workshop need in place?

python tutorials/00_setup_check.py
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

EXERCISE = Path(__file__).parent / "exercises" / "my_cache_helpers.py"


def report(what: str, ok: bool, fix: str) -> bool:
    print(f"  {what:<52} {'ok' if ok else 'NO: ' + fix}")
    return ok


def main() -> int:
    print("Checking your set-up for the LLM cache tutorials and workshop.")
    if not report("Python 3.10 or newer", sys.version_info >= (3, 10), "install a newer one"):
        return 1
    try:
        major, minor = (int(part) for part in version("langchain-core").split(".")[:2])
        import llm_cache_reference
    except (PackageNotFoundError, ImportError):
        report("langchain-core and llm_cache_reference installed", False, "run `make test`")
        return 1
    if not report(
        "langchain-core 1.8 or newer, below 2",
        (1, 8) <= (major, minor) < (2, 0),
        "pip install 'langchain-core>=1.8,<2'",
    ):
        return 1

    from llm_cache_reference.cases import CASES
    from llm_cache_reference.checker import CheckError, check
    from llm_cache_reference.harness import run_cases

    results = run_cases(llm_cache_reference, CASES)
    agreeing = sum(result.agree for result in results)
    if not report(
        f"the reference agrees with langchain-core: {agreeing} of {len(results)}",
        agreeing == len(results),
        "tell the instructor",
    ):
        return 1
    try:
        step_1 = check(str(EXERCISE), step=1)
    except CheckError as error:
        report(f"the checker runs {EXERCISE.name}", False, str(error))
        return 1
    report(f"the checker runs {EXERCISE.name}", True, "")
    print(f"  Your step 1 passes {step_1.count('pass')} of {len(step_1.rows)} cases", end="")
    print(" (none pass before you start).")
    print("All set.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
