"""`python -m llm_cache_reference check PATH`: the checker's command line (`checker.cli`).

Only ever run, never imported: it runs the command as soon as it is loaded.
"""

import sys

from llm_cache_reference.checker.cli import main

sys.exit(main())
