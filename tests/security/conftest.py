import io

import pytest
from django.core.management import call_command


@pytest.fixture
def seeded_demo(db):
    """seed_demo's data, as a demo deployment has it (it restores the base topic tree itself when an
    earlier transactional test flushed it)."""
    call_command("seed_demo", "--students", "3", stdout=io.StringIO())
