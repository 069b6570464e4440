"""Monthly reading statistics for 100,000 students across 420 schools render in under a second on
PostgreSQL (the issue's target), with a fixed number of queries on any database. On SQLite the time is
printed, not asserted: on the shared CI machine it swings from 0.4 s to 1.5 s with the load.
READING_SCALE_STUDENTS changes the size (default the issue's 100,000; building takes ~40 s)."""

import os
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reading.models import Progress
from tests.factories import make_organiser

from .scale import add_junior_reading, build_city

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

N = int(os.environ.get("READING_SCALE_STUDENTS", "100000"))


def _timed(client, url):
    client.get(url)  # warm caches
    t0 = time.perf_counter()
    response = client.get(url)
    return time.perf_counter() - t0, response


def test_city_statistics_for_100k_students_render_under_a_second(client):
    city, reading = build_city(N)
    client.force_login(make_organiser(city))
    url = reverse("reading:stats_reading", args=[reading.pk])
    elapsed, response = _timed(client, url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) <= 12  # grouped queries only: none per school or per student
    assert response.status_code == 200
    enrolled = response.context["stats"].total.enrolled
    assert enrolled == sum(1 for i in range(N) if i % 4 != 3)  # the grade-7 classes are outside 小学高段
    xlsx_elapsed, xlsx = _timed(client, reverse("reading:stats_xlsx", args=[reading.pk]))
    assert xlsx.status_code == 200
    print(f"\n{N} students / 420 schools: stats page {elapsed * 1000:.0f} ms, xlsx {xlsx_elapsed * 1000:.0f} ms")
    if connection.vendor == "postgresql":
        assert elapsed < 1.0


def test_city_month_statistics_for_100k_students_render_under_a_second(client):
    """Two readings in the month for different bands: the month page counts every class once."""
    city, reading = build_city(N)
    junior = add_junior_reading(city, reading)
    client.force_login(make_organiser(city))
    url = reverse("reading:stats_month", args=[f"{reading.month:%Y-%m}"])
    elapsed, response = _timed(client, url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) <= 14  # grouped queries only: none per school, student or reading class
    assert response.status_code == 200
    total = response.context["stats"].total
    assert total.enrolled == N  # 小学高段 (grades 4–6) from one reading, grade 7 from the other
    done = Progress.objects.filter(reading__in=[reading, junior], completed_at__isnull=False)
    assert total.completed == done.values("user").distinct().count()  # each student once
    xlsx_elapsed, xlsx = _timed(client, reverse("reading:stats_month_xlsx", args=[f"{reading.month:%Y-%m}"]))
    assert xlsx.status_code == 200
    print(
        f"\n{N} students / 420 schools, 2 readings: month page {elapsed * 1000:.0f} ms, xlsx {xlsx_elapsed * 1000:.0f} ms"
    )
    if connection.vendor == "postgresql":
        assert elapsed < 1.0
