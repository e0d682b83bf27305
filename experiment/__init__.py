"""The concurrent write-back experiment, kept out of the package: not langchain-core's behaviour.

`experimental` is the code (`aupdate_cache_concurrent`), `benchmark` times it
against the sequential write-back (`make benchmark`, by hand; its data is
`concurrent_writeback.json`), `page` generates the docs page's parts from the
cases and that data (`make regen`), `redis_server` starts the Redis the
benchmark uses, and `tests/` holds its tests.
"""
