"""Maintainer tools: `recorded_runs` (make regen) and `mutation` (make test)."""
