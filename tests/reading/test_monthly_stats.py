"""Statistics per month: every reading of the month together, against a hand-computed example with
readings for different grade bands and owners; page, xlsx and API agree."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.selectors import scope_for
from reading import monthly, services, stats
from reading.models import Progress
from tests.factories import ClassFactory, Tree, make_student, make_teacher

from .factories import NOW, add_phrases, make_reading

pytestmark = pytest.mark.django_db
NOV = date(2026, 11, 1)


def _progress(reading, user, klass, *, engaged, best=None, completed=False):
    return Progress.objects.create(
        reading=reading,
        user=user,
        class_org=klass,
        position=1,
        max_position=1,
        engaged_s=engaged,
        saves=3,
        started_at=NOW,
        last_saved_at=NOW,
        read_at=NOW,
        best_percent=best,
        quiz_attempts=1 if best is not None else 0,
        completed_at=NOW if completed else None,
    )


@pytest.fixture
def city():
    """November has three readings: P and Q for 小学高段 (city-wide), J for 初中 (如东县 only).
    class_a (grade 5, 如东): 4 students; class_b (grade 5, 海安): 2; junior (grade 8, 如东): 2."""
    t = Tree()
    t.a2, t.a3, t.a4 = (make_student(t.class_a) for _ in range(3))
    t.b2 = make_student(t.class_b)
    t.junior = ClassFactory(parent=t.school_a, grade=8, name="初二（1）班")
    t.j1, t.j2 = make_student(t.junior), make_student(t.junior)
    t.p = make_reading(t.city, bands=["primary_upper"], title="十一月·甲")
    t.q = make_reading(t.city, bands=["primary_upper"], title="十一月·乙")
    t.j = make_reading(t.district_a, bands=["junior"], title="十一月·初中")
    _progress(t.p, t.student_a, t.class_a, engaged=300, best=100, completed=True)
    _progress(t.p, t.a2, t.class_a, engaged=240, best=50)
    _progress(t.p, t.student_b, t.class_b, engaged=600, best=75, completed=True)
    _progress(t.q, t.student_a, t.class_a, engaged=120, best=80, completed=True)  # a second completion: one student
    _progress(t.q, t.b2, t.class_b, engaged=60)
    _progress(t.j, t.j1, t.junior, engaged=180, best=90, completed=True)
    return t


def _figures(row):
    return (row.enrolled, row.readers, row.completed, row.quiz_takers, row.engaged_minutes)


def test_city_month_matches_the_hand_computed_figures(city):
    result = monthly.month_stats(NOV, scope_for(city.city_organiser), now=NOW)
    assert [r.title for r in result.readings] == ["十一月·甲", "十一月·乙", "十一月·初中"]
    t = result.total
    # enrolled: 4 + 2 (小学高段, targeted by P and Q, counted once) + 2 (初中, by J) = 8
    # completed: student_a (twice), student_b, j1 = 3 students; readers: a, a2, b, b2, j1 = 5
    # quiz results 100, 50, 75, 80, 90 → 79.0; engaged 1,500 s = 25.0 min
    assert _figures(t) == (8, 5, 3, 5, 25.0)
    assert t.participation_rate == pytest.approx(3 / 8)
    assert t.average_score == pytest.approx(79.0)
    by_district = {b.total.name: b.total for b in result.districts}
    assert _figures(by_district["如东县"]) == (6, 3, 2, 4, 14.0)
    assert by_district["如东县"].participation_rate == pytest.approx(2 / 6)
    assert by_district["如东县"].average_score == pytest.approx(80.0)
    assert _figures(by_district["海安市"]) == (2, 2, 1, 1, 11.0)
    assert by_district["海安市"].participation_rate == pytest.approx(0.5)


def test_a_single_reading_month_is_that_readings_statistics(city):
    december = make_reading(city.city, month=date(2026, 12, 1), bands=["primary_upper"], title="十二月")
    _progress(december, city.student_a, city.class_a, engaged=90, best=70, completed=True)
    for user in (city.city_organiser, city.organiser_a, city.teacher_b):
        scope = scope_for(user)
        month = monthly.month_stats(date(2026, 12, 1), scope, now=NOW + timedelta(days=20))
        single = stats.reading_stats(december, scope)
        assert _figures(month.total) == _figures(single.total)
        assert month.total.score_sum == single.total.score_sum


def test_district_and_teacher_views_keep_to_their_readings_and_classes(city):
    district_b = monthly.month_stats(NOV, scope_for(city.organiser_b), now=NOW)
    assert [r.title for r in district_b.readings] == ["十一月·甲", "十一月·乙"]  # 如东's 初中 reading is not theirs
    assert [b.total.name for b in district_b.districts] == ["海安市"]
    assert _figures(district_b.total) == (2, 2, 1, 1, 11.0)
    district_a = monthly.month_stats(NOV, scope_for(city.organiser_a), now=NOW)
    assert [(r.name, r.enrolled, r.completed) for r in district_a.classes] == [
        ("五（1）班", 4, 1),
        ("初二（1）班", 2, 1),
    ]
    teacher = monthly.month_stats(NOV, scope_for(city.teacher_a), now=NOW)
    assert [r.title for r in teacher.readings] == ["十一月·甲", "十一月·乙"]  # the 初中 reading is not for 五（1）班
    assert _figures(teacher.total) == (4, 2, 1, 3, 11.0)
    assert [r.name for r in teacher.classes] == ["五（1）班"]
    assert monthly.month_stats(date(2026, 10, 1), scope_for(city.teacher_a), now=NOW) is None
    junior_teacher = make_teacher(city.junior)
    junior_only = monthly.month_stats(NOV, scope_for(junior_teacher), now=NOW)
    assert [r.title for r in junior_only.readings] == ["十一月·初中"]
    assert _figures(junior_only.total) == (2, 1, 1, 1, 3.0)


def test_a_reading_not_yet_open_does_not_count_until_it_opens(city):
    late = make_reading(city.city, bands=["primary_lower"], title="十一月·低段")
    late.opens_on = NOW.date() + timedelta(days=5)
    late.save()
    ClassFactory(parent=city.school_b, grade=2, name="二（1）班")
    lower = ClassFactory(parent=city.school_b, grade=1, name="一（1）班")
    make_student(lower)
    scope = scope_for(city.city_organiser)
    assert monthly.month_stats(NOV, scope, now=NOW).total.enrolled == 8
    after = monthly.month_stats(NOV, scope, now=NOW + timedelta(days=6))
    assert after.total.enrolled == 9 and len(after.readings) == 4


def test_trend_points_are_the_month_totals_oldest_first(city):
    october = make_reading(city.city, month=date(2026, 10, 1), bands=["primary_upper"], title="十月")
    _progress(october, city.a3, city.class_a, engaged=600, best=60, completed=True)
    scope = scope_for(city.city_organiser)
    trends = monthly.month_trends(scope, now=NOW)
    assert [m.month for m in trends] == [date(2026, 10, 1), NOV]
    for point in trends:
        month = monthly.month_stats(point.month, scope, now=NOW)
        assert _figures(point.total) == _figures(month.total)
    assert _figures(trends[0].total) == (6, 1, 1, 1, 10.0)


def test_bad_month_is_a_clear_error(client, city):
    client.force_login(city.city_organiser)
    response = client.get("/api/v1/readings/stats/monthly", {"month": "2026-13"})
    assert response.status_code == 400 and response.json()["code"] == "reading_error"
    assert client.get("/api/v1/readings/stats/monthly", {"month": "2020-01"}).status_code == 404
    assert client.get(reverse("reading:stats_month", args=["nope"])).status_code == 400


def test_students_cannot_read_monthly_statistics(client, city):
    client.force_login(city.student_a)
    assert client.get("/api/v1/readings/stats/monthly", {"month": "2026-11"}).status_code == 403
    assert client.get(reverse("reading:stats_month", args=["2026-11"])).status_code == 403
    assert client.get(reverse("reading:stats_month_xlsx", args=["2026-11"])).status_code == 403


def test_page_xlsx_and_api_show_the_same_figures_and_no_reflection(client, city):
    add_phrases()
    services.reflection_save(user=city.student_a, reading_id=city.p.pk, text="秘密：我不想活了", share_consent=True)
    client.force_login(city.city_organiser)
    api = client.get("/api/v1/readings/stats/monthly", {"month": "2026-11"}).json()
    html = client.get(reverse("reading:stats_month", args=["2026-11"])).content.decode()
    wb = load_workbook(io.BytesIO(client.get(reverse("reading:stats_month_xlsx", args=["2026-11"])).content))
    expected = monthly.month_stats(NOV, scope_for(city.city_organiser))
    t = expected.total
    # API
    assert api["total"]["enrolled"] == t.enrolled == 8
    assert (api["total"]["completed"], api["total"]["quiz_results"]) == (t.completed, t.quiz_takers)
    assert api["total"]["participation_rate"] == pytest.approx(t.participation_rate)
    assert api["total"]["average_score"] == pytest.approx(t.average_score)
    assert api["total"]["engaged_minutes"] == t.engaged_minutes
    assert {d["total"]["name"]: d["total"]["enrolled"] for d in api["districts"]} == {"如东县": 6, "海安市": 2}
    # page
    assert 'id="total-enrolled">8<' in html and 'id="total-completed">3<' in html
    assert 'id="total-rate">37.5%<' in html and 'id="total-average">79.0<' in html
    assert 'id="total-minutes">25.0<' in html and "<svg" in html
    # xlsx
    total_row = [r for r in wb["汇总"].iter_rows(values_only=True) if r[0] == "合计"][0]
    assert total_row[1:8] == (8, 5, 3, pytest.approx(3 / 8), 5, 79.0, 25.0)
    district_rows = {r[0]: r[1:4] for r in wb["汇总"].iter_rows(values_only=True) if r[0] in ("如东县", "海安市")}
    assert district_rows == {"如东县": (6, 3, 2), "海安市": (2, 2, 1)}
    text = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert "秘密" not in html + text + str(api)


def test_index_shows_month_trends_with_links(client, city):
    client.force_login(city.city_organiser)
    html = client.get(reverse("reading:stats")).content.decode()
    assert reverse("reading:stats_month", args=["2026-11"]) in html
    assert "各月测验平均分" in html and 'id="month-trends"' in html


def test_month_export_escapes_formula_names(client, city):
    city.school_a.name = "=HYPERLINK(1)"
    city.school_a.save()
    client.force_login(city.city_organiser)
    wb = load_workbook(io.BytesIO(client.get(reverse("reading:stats_month_xlsx", args=["2026-11"])).content))
    names = [c.value for ws in wb.worksheets for c in ws["A"]]
    assert "'=HYPERLINK(1)" in names and "=HYPERLINK(1)" not in names


def test_a_past_months_enrolment_is_frozen_at_its_end_and_a_running_month_follows_the_roster(city):
    from reading.enrolment import enrolment_freeze_closed

    scope = scope_for(city.city_organiser)
    december = NOW + timedelta(days=12)
    make_student(city.class_a)  # an import during the month counts
    assert monthly.month_stats(NOV, scope, now=NOW).total.enrolled == 9
    assert enrolment_freeze_closed(now=NOW) == 0  # November is still running
    assert enrolment_freeze_closed(now=december) == 3  # the month's three readings
    make_student(city.class_a)  # imported in December: November's figures stay
    make_student(city.junior)
    frozen = monthly.month_stats(NOV, scope, now=december + timedelta(days=1))
    assert frozen.total.enrolled == 9
    assert frozen.total.participation_rate == pytest.approx(3 / 9)
    assert stats.reading_stats(city.p, scope, now=december).total.enrolled == 7
    assert [row.enrolled for _r, row in stats.reading_trends([city.p], scope, now=december)] == [7]
    district_a = monthly.month_stats(NOV, scope_for(city.organiser_a), now=december)
    assert district_a.total.enrolled == 7  # the snapshot, cut to the classes in view


def test_monthly_endpoint_is_documented_in_openapi(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/readings/stats/monthly"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["month"]
    row = schema["components"]["schemas"]["StatsRowOut"]["properties"]
    assert {"enrolled", "completed", "participation_rate", "average_score", "engaged_minutes"} <= set(row)
