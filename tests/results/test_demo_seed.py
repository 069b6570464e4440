import pytest
from django.core.management import call_command

from results.demo import PAST_TITLE
from results.models import Certificate

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_seed_demo_twice_keeps_certificate_codes_and_shows_statistics(client):
    from accounts.models import User
    from competitions.models import Contest

    call_command("seed_demo", "--students", "24", "--quiet-accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    codes = dict(Certificate.objects.values_list("pk", "code"))
    assert codes
    call_command("seed_demo", "--students", "24", "--quiet-accounts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert dict(Certificate.objects.values_list("pk", "code")) == codes
    contest = Contest.objects.get(title=PAST_TITLE)
    client.force_login(User.objects.get(username="city_org"))
    body = client.get(f"/results/stats/knowledge/{contest.pk}/").content.decode()
    assert "崇川区" in body
