import io

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.selectors import scope_for
from reading import selectors
from reading.models import DistressFlag, Progress, Reading

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_three_months_progress_and_one_flag_for_the_counsellor_idempotently():
    call_command("seed_demo", students=30, stdout=io.StringIO())
    call_command("seed_demo", students=30, stdout=io.StringIO())
    readings = Reading.objects.filter(status="published")
    assert readings.count() == 3 and len({r.month for r in readings}) == 3
    assert all(3 <= r.questions.count() <= 5 for r in readings)
    assert Progress.objects.filter(completed_at__isnull=False).exists()
    assert Progress.objects.filter(completed_at=None).exists()
    assert DistressFlag.objects.count() == 1
    counsellor = User.objects.get(username="counsellor1")
    assert selectors.flags_visible(scope_for(counsellor)).count() == 1
    assert not selectors.flags_visible(scope_for(User.objects.get(username="city_org"))).exists()
