"""Background work goes through Django's tasks API and the db_worker process."""

import pytest
from django.core.management import call_command

from tests.foundation.tasks_for_tests import add_numbers


@pytest.mark.django_db(transaction=True)
def test_database_backend_queues_a_task_that_db_worker_runs():
    result = add_numbers.using(backend="database").enqueue(2, 3)
    assert result.status == "READY"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--backend", "database", verbosity=0)
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 5
