import uuid

import pytest

from tests.factories import Tree

from .factories import VideoWorld


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings):
    """View de-duplication keys live in the cache; on a shared Redis each test gets its own prefix
    (database ids repeat between runs, so old keys would otherwise say "seen")."""
    caches = {name: dict(conf) for name, conf in settings.CACHES.items()}
    for conf in caches.values():
        conf["KEY_PREFIX"] = f"pltest-{uuid.uuid4().hex[:10]}"
    settings.CACHES = caches


@pytest.fixture
def world(db):
    return VideoWorld(Tree())
