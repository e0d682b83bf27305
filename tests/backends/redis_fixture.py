"""The `redis_server` fixture: one throwaway Redis for the test session.

Import it into a test module (`from tests.backends.redis_fixture import redis_server`). The server
runs on 127.0.0.1, on a free port, with no persistence, in a temporary directory, and is
stopped when the session ends, whether the tests passed or not. Without `redis-server` the
tests that use it skip, except under CI (`CI=true`), where they fail: there a skip would
hide that the tests did not run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import NoReturn

import pytest

from experiment.redis_server import RedisServer, RedisServerError
from experiment.redis_server import redis_server as running_redis_server


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A running Redis, for the whole session."""
    try:
        with running_redis_server(tmp_path_factory.mktemp("redis")) as server:
            yield server
    except RedisServerError as error:
        unavailable(error)


def unavailable(error: RedisServerError) -> NoReturn:
    """Skip the test for want of a server, or, under CI, fail it."""
    if os.environ.get("CI") == "true":
        raise error
    pytest.skip(f"needs Debian's redis-server: {error}")
