import importlib

import pytest


@pytest.fixture(autouse=True)
def seeded_topics(request):
    """The topic tree comes from a data migration; a transactional test elsewhere in the run flushes it,
    so put it back (idempotently) for every question-bank test that touches the database."""
    if not request.node.get_closest_marker("django_db"):
        return
    from django.apps import apps

    migration = importlib.import_module("questionbank.migrations.0003_seed_topics")
    migration.seed_topics(apps, None)
