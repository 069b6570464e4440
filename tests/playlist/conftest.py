import pytest

from tests.factories import Tree

from .factories import VideoWorld


@pytest.fixture
def world(db):
    return VideoWorld(Tree())
