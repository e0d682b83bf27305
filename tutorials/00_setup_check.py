"""Run this first: is everything the tutorials and the workshop need in place?

python tutorials/00_setup_check.py
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def report(what: str, ok: bool, fix: str) -> bool:
    print(f"  {what:<52} {'ok' if ok else 'NO: ' + fix}")
    return ok


def checks() -> bool:
    """Run every check in order, stopping at the first that fails."""
    print("Checking your set-up for the LLM cache tutorials and workshop.")
    # The package needs 3.11; the tools uv.lock pins for the workshop need 3.11.5.
    if not report(
        "Python 3.11.5 or newer",
        sys.version_info >= (3, 11, 5),
        "run `make setup` with a newer one",
    ):
        return False
    try:
        major, minor = (int(part) for part in version("langchain-core").split(".")[:2])
        import llm_cache_reference
    except (PackageNotFoundError, ImportError):
        report("langchain-core and llm_cache_reference installed", False, "run `make setup`")
        return False
    if not report(
        "langchain-core 1.8 or newer, below 2",
        (1, 8) <= (major, minor) < (2, 0),
        "run `make setup`",
    ):
        return False
    # Found through the package (installed from this clone), so that the check
    # also works as a notebook, which has no __file__.
    root = Path(llm_cache_reference.__file__).resolve().parents[2]
    exercise = root / "tutorials" / "exercises" / "my_cache_helpers.py"

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
        return False
    try:
        step_1 = check(str(exercise), step=1)
    except CheckError as error:
        report(f"the checker runs {exercise.name}", False, str(error))
        return False
    report(f"the checker runs {exercise.name}", True, "")
    print(f"  Your step 1 passes {step_1.count('pass')} of {len(step_1.rows)} cases", end="")
    print(" (none pass before you start).")
    print("All set.")
    return True


def main() -> None:
    if not checks():
        raise SystemExit(1)


if __name__ == "__main__":
    main()
