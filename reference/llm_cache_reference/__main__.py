"""`python -m llm_cache_reference check PATH`: the checker's command line (`checker.cli`)."""

import sys

from llm_cache_reference.checker.cli import main

if __name__ == "__main__":
    sys.exit(main())
