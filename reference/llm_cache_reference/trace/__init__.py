"""Execution made visible: what a helper does, in order, and line by line.

- `harness.record` keeps every call's timeline: each change to
  `existing_prompts`, each cache call, and how the call ended, for any
  implementation, langchain-core included (seen only at those boundaries).
- `steps.trace` runs a helper whose source may be shown (the reference, a
  learner's file) line by line: each line, the locals it changed, the events
  it caused, and the state once it had run.
- `compare.diverge` finds the first event where a timeline parts from
  langchain-core's, and the line of the traced file that caused it.
- `text` lays all that out for a terminal; `python -m llm_cache_reference
  trace CASE [FILE]` prints it.
"""
