"""Run the behaviour cases against every langchain-core release: see `__main__`."""
