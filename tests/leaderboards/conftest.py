import os

import pytest

from tests.conftest import drop_leaderboard_prefix as drop_prefix  # noqa: F401


@pytest.fixture(autouse=True)
def lb_fast_pushes(settings, lb_prefix):
    settings.LEADERBOARD_MIN_INTERVAL_S = 0.2
    return lb_prefix


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def backend(request, settings):
    """Run a test against the in-process store and against Redis (REDIS_URL)."""
    if request.param == "memory":
        settings.REDIS_URL = ""
    else:
        settings.REDIS_URL = os.environ.get("REDIS_URL", "")
    return request.param
