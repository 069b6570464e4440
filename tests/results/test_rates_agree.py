"""参与率 and 优秀率 have one definition (competitions.rates): the teacher's xlsx export, the organisers'
dashboard (statistics and year trends) and the big screen's school and district boards show the same
figures for the same contest. Data: the hand-computed city of test_statistics (an attempt exactly on the 85% line)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.selectors import scope_for
from competitions import rates
from competitions.models import CountingRule
from leaderboards.selectors import board_read
from leaderboards.services import leaderboard_rebuild
from leaderboards.store import DISTRICT, SCHOOL
from results.statistics import knowledge_contest_stats, knowledge_trends

from .test_statistics import city  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

SCHOOL_NAME = "如东县实验小学"


def _export_rows(client, user, contest, sheet: str) -> dict[str, dict]:
    client.force_login(user)
    response = client.get(reverse("competitions:contest_export", args=[contest.pk]))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content))[sheet]
    header, *rows = ws.iter_rows(values_only=True)
    return {str(r[0]): dict(zip(header, r, strict=True)) for r in rows}


def first_attempts_count(contest):
    # the fixture's second attempt (100 points) is marked as not counting: that is the "first" rule
    contest.counting = CountingRule.FIRST
    contest.save(update_fields=["counting"])


def test_export_dashboard_and_big_screen_show_the_same_rates(client, city):  # noqa: F811
    first_attempts_count(city.contest)
    organiser = city.city_organiser
    dashboard = knowledge_contest_stats(city.contest, scope_for(organiser))
    by_district = {d.total.name: d for d in dashboard.districts}
    school = next(s for s in by_district["如东县"].schools if s.name == SCHOOL_NAME)
    # 4 enrolled in 五（1）班, 3 took part; 90 is excellent, 60 and 50 are not
    assert (school.enrolled, school.participants, school.excellent) == (4, 3, 1)
    assert school.participation_rate == rates.participation_rate(3, 4) == 0.75
    assert school.excellence_rate == rates.excellence_rate(1, 3)

    by_school = _export_rows(client, organiser, city.contest, "按学校")
    exported = next(row for name, row in by_school.items() if name.endswith(SCHOOL_NAME))
    assert exported["参与率"] == round(school.participation_rate, 4)
    assert exported["优秀率"] == round(school.excellence_rate, 4)
    by_district_sheet = _export_rows(client, organiser, city.contest, "按区县")
    # 海安市: the only attempt scores exactly on the 85% line, which is excellent everywhere
    assert by_district_sheet["海安市"]["优秀率"] == by_district["海安市"].total.excellence_rate == 1.0
    assert by_district_sheet["合计"]["优秀率"] == round(dashboard.total.excellence_rate, 4) == 0.5

    (trend,) = knowledge_trends([city.contest], scope_for(organiser))
    assert trend["excellence_rate"] == dashboard.total.excellence_rate

    leaderboard_rebuild(contest_id=city.contest.pk)
    screen = {e["name"]: e for e in board_read(contest_id=city.contest.pk, scope=SCHOOL, limit=20).entries}
    on_screen = next(e for name, e in screen.items() if name.endswith(SCHOOL_NAME))
    assert on_screen["participation_rate"] == exported["参与率"] == 0.75
    assert on_screen["excellence_rate"] == exported["优秀率"] == round(school.excellence_rate, 4) == 0.3333
    districts = {e["name"]: e for e in board_read(contest_id=city.contest.pk, scope=DISTRICT, limit=20).entries}
    assert districts["海安市"]["excellence_rate"] == by_district_sheet["海安市"]["优秀率"] == 1.0


def test_a_contest_without_its_own_line_uses_the_site_default_in_every_place(client, city, settings):  # noqa: F811
    settings.RESULTS_EXCELLENCE_PERCENT = 60
    first_attempts_count(city.contest)
    city.contest.excellence_percent = 0
    city.contest.save(update_fields=["excellence_percent"])
    dashboard = knowledge_contest_stats(city.contest, scope_for(city.city_organiser))
    assert dashboard.total.excellent == 3  # 90, 60 and 85 reach 60%; 50 does not
    (trend,) = knowledge_trends([city.contest], scope_for(city.city_organiser))
    by_district = _export_rows(client, city.city_organiser, city.contest, "按区县")
    assert trend["excellence_rate"] == dashboard.total.excellence_rate == by_district["合计"]["优秀率"] == 0.75
    leaderboard_rebuild(contest_id=city.contest.pk)
    screen = board_read(contest_id=city.contest.pk, scope=DISTRICT, limit=20).entries
    assert (
        {e["name"]: e["excellence_rate"] for e in screen}
        == {name: row["优秀率"] for name, row in by_district.items() if name != "合计"}
        == {"如东县": 0.6667, "海安市": 1.0}
    )
