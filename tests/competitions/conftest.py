import pytest

from tests.factories import Tree

from .factories import make_topic


@pytest.fixture
def tree(db):
    return Tree()


@pytest.fixture
def topic(db):
    return make_topic()
