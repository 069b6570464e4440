"""Statistics and exports read from the replica (when one is configured and fresh); everything else,
and every write, uses the primary."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organization
from core.dbrouting import DEFAULT, REPLICA, LagCheck, ReplicaRouter, replica_reads
from tests.results.test_statistics import city  # noqa: F401  (fixture)


class FixedLag(LagCheck):
    def __init__(self, lag):
        super().__init__(clock=lambda: 0.0)
        self.value = lag

    def measure(self):
        return self.value


@pytest.fixture
def router(settings):
    settings.REPLICA_MAX_LAG_S = 10
    r = ReplicaRouter()
    r.replica_configured = lambda: True
    return r


def test_without_a_replica_everything_reads_and_writes_the_primary():
    r = ReplicaRouter()
    r.replica_configured = lambda: False  # no DATABASE_REPLICA_URL: no "replica" alias
    r.lag = FixedLag(0.0)
    with replica_reads():
        assert r.db_for_read(Organization) == DEFAULT
        assert r.db_for_write(Organization) == DEFAULT
    assert r.db_for_read(Organization) == DEFAULT


def test_only_reads_inside_replica_reads_go_to_a_fresh_replica(router):
    router.lag = FixedLag(0.5)
    assert router.db_for_read(Organization) == DEFAULT
    with replica_reads():
        assert router.db_for_read(Organization) == REPLICA
        assert router.db_for_write(Organization) == DEFAULT
    assert router.db_for_read(Organization) == DEFAULT


def test_a_replica_past_the_staleness_bound_or_unreachable_is_skipped(router):
    with replica_reads():
        router.lag = FixedLag(10.5)
        assert router.db_for_read(Organization) == DEFAULT
        router.lag = FixedLag(None)
        assert router.db_for_read(Organization) == DEFAULT


def test_the_lag_is_measured_at_most_once_per_interval():
    now = [100.0]
    measured = []
    check = LagCheck(clock=lambda: now[0], interval_s=5)
    check.measure = lambda: measured.append(now[0]) or 1.0
    for t in (100.0, 101.0, 104.9, 105.0, 106.0):
        now[0] = t
        check.current()
    assert measured == [100.0, 105.0]


def test_migrations_never_target_the_replica():
    r = ReplicaRouter()
    assert r.allow_migrate(REPLICA, "competitions") is False
    assert r.allow_migrate(DEFAULT, "competitions") is True


@pytest.fixture(scope="module")
def replica_alias(django_db_setup, django_db_blocker):
    """A second connection to the test database standing in for a streaming replica. Module scope: it
    must exist before pytest-django checks the test's `databases`."""
    with django_db_blocker.unblock():
        connections.settings[REPLICA] = {**connections[DEFAULT].settings_dict, "TEST": {"MIRROR": DEFAULT}}
    try:
        yield connections[REPLICA]
    finally:
        connections[REPLICA].close()
        if hasattr(connections[REPLICA], "close_pool"):  # PostgreSQL: the pool keeps the test database busy
            connections[REPLICA].close_pool()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def _tables(captured) -> str:
    return " ".join(q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT"))


@pytest.mark.django_db(transaction=True, databases=[DEFAULT, REPLICA])
def test_statistics_page_and_export_read_from_the_replica_and_writes_stay_on_the_primary(
    client,
    city,  # noqa: F811
    replica_alias,
):
    client.force_login(city.city_organiser)
    for name in ("results:stats_contest", "results:stats_contest_xlsx"):
        with CaptureQueriesContext(connections[DEFAULT]) as primary, CaptureQueriesContext(replica_alias) as replica:
            response = client.get(reverse(name, args=["knowledge", city.contest.pk]))
        assert response.status_code == 200
        assert "competitions_attempt" in _tables(replica), name
        assert "competitions_attempt" not in _tables(primary), name

    with (
        CaptureQueriesContext(connections[DEFAULT]) as primary,
        CaptureQueriesContext(replica_alias) as replica,
        replica_reads(),
    ):
        Organization.objects.filter(pk=city.city.pk).update(name="南通市（改）")
        org = Organization.objects.get(pk=city.city.pk)
        org.name = "南通市"
        org.save(update_fields=["name"])
    writes = lambda captured: [  # noqa: E731
        q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")
    ]
    assert len(writes(primary)) == 2 and writes(replica) == []
    assert Organization.objects.get(pk=city.city.pk).name == "南通市"


@pytest.mark.django_db(transaction=True, databases=[DEFAULT, REPLICA])
def test_student_pages_read_the_primary_even_with_a_replica(client, city, replica_alias):  # noqa: F811
    client.force_login(city.student_a)
    with CaptureQueriesContext(replica_alias) as replica:
        response = client.get(reverse("competitions:contest_detail", args=[city.contest.pk]))
    assert response.status_code == 200
    assert replica.captured_queries == []
