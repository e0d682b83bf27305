"""Benchmarks: run by hand (`make benchmark`), never by `make test`."""
