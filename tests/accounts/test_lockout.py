"""Login lockout counts username+IP together, with a generous per-IP ceiling (accounts/lockout.py):
a stranger cannot lock a cohort out, a password sprayer is stopped, a school behind one NAT address
with a few typos is not locked."""

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, ClassFactory, make_student

pytestmark = pytest.mark.django_db

SCHOOL_NAT = "10.20.30.40"
STRANGER = "203.0.113.66"


@pytest.fixture
def cohort(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_IP_FAILURE_LIMIT = 30
    klass = ClassFactory()
    return [make_student(klass, username=f"s2026{n:04d}") for n in range(1, 41)]


def login(client, username, password, ip):
    response = client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)
    logged_in = "_auth_user_id" in client.session
    client.logout()
    return response.status_code, logged_in


def test_stranger_cannot_lock_out_a_cohort(client, cohort, settings):
    # the stranger locks themselves on each account they try…
    for student in cohort[:3]:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            login(client, student.username, "guess", STRANGER)
        assert login(client, student.username, DEFAULT_PASSWORD, STRANGER) == (429, False)
    # …but the students, at school, still log in
    for student in cohort[:3]:
        assert login(client, student.username, DEFAULT_PASSWORD, SCHOOL_NAT) == (302, True)


def test_password_spraying_from_one_address_is_stopped(client, cohort, settings):
    for student in cohort[: settings.AXES_IP_FAILURE_LIMIT]:
        login(client, student.username, "123456", STRANGER)  # one try per account: under the pair limit
    victim = cohort[-1]
    # the right password of an untouched account is refused from the spraying address…
    assert login(client, victim.username, DEFAULT_PASSWORD, STRANGER) == (429, False)
    # …and accepted from anywhere else
    assert login(client, victim.username, DEFAULT_PASSWORD, SCHOOL_NAT) == (302, True)


def test_a_successful_login_does_not_clear_the_address_count(client, cohort, settings):
    sprayer_own = cohort[0]
    for i, student in enumerate(cohort[1 : settings.AXES_IP_FAILURE_LIMIT + 1]):
        login(client, student.username, "123456", STRANGER)
        if i == settings.AXES_IP_FAILURE_LIMIT // 2:
            assert login(client, sprayer_own.username, DEFAULT_PASSWORD, STRANGER) == (302, True)
    assert login(client, cohort[-1].username, DEFAULT_PASSWORD, STRANGER) == (429, False)


def test_a_school_behind_one_nat_with_a_few_typos_is_not_locked(client, cohort, settings):
    # Monday morning: half the class mistypes twice (just under the pair limit) before anyone gets in
    morning = cohort[:10]
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        for student in morning:
            assert login(client, student.username, "typo", SCHOOL_NAT)[1] is False
    for student in cohort:
        assert login(client, student.username, DEFAULT_PASSWORD, SCHOOL_NAT) == (302, True)
