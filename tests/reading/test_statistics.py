"""Reading statistics against a hand-computed example; the same 参与率 as the contest statistics; the
export carries counts only, never a reflection or a flag."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.selectors import scope_for
from reading import services, stats
from reading.models import Progress
from results import statistics as rs
from tests.factories import ClassFactory, Tree, make_student
from tests.results.factories import make_attempt, make_knowledge_contest

from .factories import NOW, add_phrases, make_reading

pytestmark = pytest.mark.django_db


def _progress(reading, user, klass, *, engaged, best=None, completed=False, read=True):
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
        read_at=NOW if read else None,
        best_percent=best,
        quiz_attempts=1 if best is not None else 0,
        completed_at=NOW if completed else None,
    )


@pytest.fixture
def city():
    """class_a (grade 5): 4 students; class_b (grade 5): 2; a grade-8 class of school_a with 2 students,
    outside the reading's band 小学高段."""
    tree = Tree()
    tree.a2, tree.a3, tree.a4 = (make_student(tree.class_a) for _ in range(3))
    tree.b2 = make_student(tree.class_b)
    tree.junior = ClassFactory(parent=tree.school_a, grade=8, name="初二（1）班")
    tree.j1, tree.j2 = make_student(tree.junior), make_student(tree.junior)
    reading = make_reading(tree.city, bands=["primary_upper"])
    _progress(reading, tree.student_a, tree.class_a, engaged=300, best=100, completed=True)
    _progress(reading, tree.a2, tree.class_a, engaged=240, best=50)
    _progress(reading, tree.a3, tree.class_a, engaged=120)
    _progress(reading, tree.student_b, tree.class_b, engaged=600, best=75, completed=True)
    tree.reading = reading
    return tree


def test_city_statistics_match_the_hand_computed_figures(city):
    result = stats.reading_stats(city.reading, scope_for(city.city_organiser))
    t = result.total
    assert (t.enrolled, t.readers, t.completed, t.quiz_takers) == (6, 4, 2, 3)
    assert t.participation_rate == pytest.approx(2 / 6)
    assert t.average_score == pytest.approx(75.0)
    assert t.engaged_minutes == 21.0
    by_district = {b.total.name: b.total for b in result.districts}
    assert by_district["如东县"].participation_rate == pytest.approx(0.25)
    assert by_district["海安市"].participation_rate == pytest.approx(0.5)
    assert by_district["如东县"].average_score == pytest.approx(75.0)  # (100 + 50) / 2


def test_district_organiser_sees_only_the_district_with_class_rows(city):
    result = stats.reading_stats(city.reading, scope_for(city.organiser_a))
    assert [b.total.name for b in result.districts] == ["如东县"]
    assert (result.total.enrolled, result.total.completed) == (4, 1)
    assert [(r.name, r.enrolled, r.completed) for r in result.classes] == [("五（1）班", 4, 1)]


def test_teacher_sees_only_their_class(city):
    result = stats.reading_stats(city.reading, scope_for(city.teacher_b))
    assert (result.total.enrolled, result.total.completed, result.total.engaged_minutes) == (2, 1, 10.0)


def test_participation_is_the_same_definition_as_the_contest_statistics(city):
    """One truth: a contest with the same audience and bands, taken by the same students who completed
    the reading, shows the same enrolled counts and 参与率 per district and in total."""
    contest = make_knowledge_contest(owner=city.city, grade_bands=["primary_upper"])
    make_attempt(contest, city.student_a, city.class_a, 90)
    make_attempt(contest, city.student_b, city.class_b, 70)
    scope = scope_for(city.city_organiser)
    contest_stats = rs.knowledge_contest_stats(contest, scope)
    reading_stats = stats.reading_stats(city.reading, scope)
    assert contest_stats.total.enrolled == reading_stats.total.enrolled
    assert contest_stats.total.participation_rate == reading_stats.total.participation_rate
    assert {d.total.name: (d.total.enrolled, d.total.participation_rate) for d in contest_stats.districts} == {
        b.total.name: (b.total.enrolled, b.total.participation_rate) for b in reading_stats.districts
    }


def test_stats_page_and_xlsx_carry_counts_but_no_reflection_or_flag(client, city):
    add_phrases()
    services.reflection_save(
        user=city.student_a, reading_id=city.reading.pk, text="秘密：我不想活了", share_consent=True
    )
    client.force_login(city.city_organiser)
    html = client.get(reverse("reading:stats_reading", args=[city.reading.pk])).content.decode()
    assert 'id="total-rate">33.3%' in html and "<svg" in html
    assert "秘密" not in html
    response = client.get(reverse("reading:stats_xlsx", args=[city.reading.pk]))
    wb = load_workbook(io.BytesIO(response.content))
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert "秘密" not in " ".join(cells) and "心得" not in " ".join(cells) and "关注" not in " ".join(cells)
    summary = wb["汇总"]
    total = [r for r in summary.iter_rows(values_only=True) if r[0] == "合计"][0]
    assert total[1:6] == (6, 4, 2, pytest.approx(1 / 3), 3)


def test_export_escapes_formula_names(client, city):
    city.school_a.name = "=HYPERLINK(1)"
    city.school_a.save()
    client.force_login(city.city_organiser)
    wb = load_workbook(io.BytesIO(client.get(reverse("reading:stats_xlsx", args=[city.reading.pk])).content))
    names = [c.value for ws in wb.worksheets for c in ws["A"]]
    assert "'=HYPERLINK(1)" in names and "=HYPERLINK(1)" not in names


def test_trends_list_months_in_order(client, city):
    older = make_reading(city.city, month=(city.reading.month - timedelta(days=20)).replace(day=1), title="十月篇")
    client.force_login(city.city_organiser)
    html = client.get(reverse("reading:stats")).content.decode()
    assert html.index("十月篇") < html.index(city.reading.title)
    assert older.pk


def test_stats_are_refused_outside_the_audience_and_back_links_stay_on_site(client, city):
    reading = make_reading(city.district_a, title="如东专篇")
    client.force_login(city.organiser_b)
    assert client.get(reverse("reading:stats_reading", args=[reading.pk])).status_code == 403
    assert client.get(reverse("reading:stats_xlsx", args=[reading.pk])).status_code == 403
    client.force_login(city.teacher_a)
    response = client.post(
        reverse("reading:remind"), {"student": [city.a2.pk], "message": "读", "back": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("reading:class")


def test_trend_totals_are_the_statistics_totals(city):
    for user in (city.city_organiser, city.organiser_a, city.teacher_b):
        scope = scope_for(user)
        [(reading, trend)] = stats.reading_trends([city.reading], scope)
        total = stats.reading_stats(city.reading, scope).total
        fields = ("enrolled", "readers", "completed", "quiz_takers", "score_sum", "engaged_s")
        assert [getattr(trend, f) for f in fields] == [getattr(total, f) for f in fields]
