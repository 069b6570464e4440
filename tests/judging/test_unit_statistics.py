"""Entries and published awards per district and per unit type: the dashboard and the xlsx export show the
same figures (one function), the export through the spreadsheet guard."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from judging.models import Award, EntrantKind
from judging.statistics import entry_statistics

from .units import UnitWorld, make_station, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def collection():
    w = UnitWorld()
    w.formula_station = make_station(w.tree.town_b, '=HYPERLINK("http://x")站')
    from accounts.models import Role
    from tests.factories import make_member

    formula_staff = make_member(Role.VOLUNTEER, w.formula_station)
    contest = w.unit_contest()
    e1, _v = save(contest, w.staff_1)  # 如东县 station
    e2, _v = save(contest, w.staff_b)  # 海安市 station
    e3, _v = save(contest, w.tree.teacher_a)  # 如东县 school
    e4, _v = save(contest, formula_staff)  # 海安市, a draft award only
    now = timezone.now()
    Award.objects.create(contest=contest, entry=e1, tier="first", rank=1, score=95, published_at=now)
    Award.objects.create(contest=contest, entry=e3, tier="second", rank=2, score=90, published_at=now)
    Award.objects.create(contest=contest, entry=e2, tier="third", rank=3, score=80, published_at=None)  # draft
    Award.objects.create(contest=contest, entry=e4, tier="merit", rank=4, score=70, published_at=None)
    w.contest = contest
    return w


def test_entries_and_published_awards_per_district_and_unit_type(collection):
    stats = entry_statistics(collection.contest)
    districts = {r.label: (r.entries, r.awards) for r in stats.districts}
    assert districts == {"如东县": (2, {"first": 1, "second": 1}), "海安市": (2, {})}
    types = {r.label: (r.entries, r.award_total) for r in stats.unit_types}
    assert types == {"学校": (1, 1), "校外教育辅导站": (3, 1)}
    assert (stats.total.entries, stats.total.award_total) == (4, 2)


def test_persons_are_counted_by_the_kind_of_their_unit(collection):
    contest = collection.contest.__class__.objects.create(
        title="微视频课件", owner_org=collection.tree.city, entrant_kinds=[EntrantKind.VOLUNTEER],
        opens_at=collection.contest.opens_at, closes_at=collection.contest.closes_at, code_prefix="WK",
    )  # fmt: skip
    save(contest, collection.district_volunteer)
    save(contest, collection.staff_1)
    types = {r.label: r.entries for r in entry_statistics(contest).unit_types}
    assert types == {"关工委（市、区、镇）": 1, "校外教育辅导站": 1}


def test_dashboard_and_xlsx_agree(client, collection):
    client.force_login(collection.tree.city_organiser)
    page = client.get(reverse("judging:dashboard", args=[collection.contest.pk]))
    shown = page.context["stats"]
    response = client.get(reverse("judging:export_xlsx", args=[collection.contest.pk]))
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = wb["按区县统计"]
    rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    expected = [[r.label, r.entries, *r.tier_counts(), r.award_total] for r in [*shown.districts, shown.total]]
    assert rows == expected
    types = [list(r) for r in wb["按单位类型统计"].iter_rows(min_row=2, values_only=True)]
    assert types[-1] == [shown.total.label, 4, 1, 1, 0, 0, 2]
    html = page.content.decode()
    assert "作品与获奖统计" in html and "校外教育辅导站" in html
    awarded = [c.value for c in wb["奖项"]["D"]]
    assert '\'=HYPERLINK("http://x")站' in awarded  # the unit's name is text, never a formula


def test_the_results_statistics_page_shows_the_same_figures_within_the_organisers_region(client, collection):
    url = reverse("results:stats_contest", args=["submission", collection.contest.pk])
    client.force_login(collection.tree.city_organiser)
    city = client.get(url)
    assert city.status_code == 200
    assert city.context["stats"].total.entries == entry_statistics(collection.contest).total.entries == 4
    client.force_login(collection.tree.organiser_a)  # 如东县 only
    district = client.get(url).context["stats"]
    assert [r.label for r in district.districts] == ["如东县"] and district.total.entries == 2
    sheet = client.get(reverse("results:stats_contest_xlsx", args=["submission", collection.contest.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content))["按区县统计"].iter_rows(values_only=True))
    assert [list(r) for r in rows[1:]] == [["如东县", 2, 1, 1, 0, 0, 2], ["合计", 2, 1, 1, 0, 0, 2]]
