import importlib
import io

import pytest
from django.core.management import call_command


@pytest.fixture
def seeded_demo(db):
    """seed_demo's data, as a demo deployment has it. The topic tree comes from a data migration that an
    earlier transactional test may have flushed, so it is put back (idempotently) first."""
    from django.apps import apps

    importlib.import_module("questionbank.migrations.0003_seed_topics").seed_topics(apps, None)
    call_command("seed_demo", "--students", "3", stdout=io.StringIO())
