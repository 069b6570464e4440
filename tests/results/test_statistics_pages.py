import io

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import ClassFactory, SchoolFactory, Tree, make_student

from .factories import make_attempt, make_knowledge_contest
from .test_statistics import city  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _url(name, contest):
    return reverse(name, args=["knowledge", contest.pk])


def test_dashboard_shows_district_rows_and_svg_charts(client, city):  # noqa: F811
    client.force_login(city.city_organiser)
    response = client.get(_url("results:stats_contest", city.contest))
    body = response.content.decode()
    assert response.status_code == 200
    assert "如东县" in body and "海安市" in body
    assert "71.25" in body  # city average
    assert "50.0%" in body  # participation
    assert body.count("<svg") == 3
    assert "<script" not in body.split("</main>")[0]  # charts need no JavaScript
    assert "cdn" not in body.lower()


def test_xlsx_has_summary_sheet_then_one_sheet_per_district_with_chinese_headers(client, city):  # noqa: F811
    client.force_login(city.city_organiser)
    response = client.get(_url("results:stats_contest_xlsx", city.contest))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["汇总", "如东县", "海安市"]
    summary = wb["汇总"]
    header = [c.value for c in summary[2]]
    assert header[:9] == [
        "区县",
        "在册学生数",
        "参与人数",
        "参与率",
        "平均分",
        "优秀人数",
        "优秀率",
        "及格人数",
        "及格率",
    ]
    rows = {r[0]: r for r in summary.iter_rows(min_row=3, values_only=True)}
    assert rows["如东县"][1:4] == (6, 3, 0.5)
    assert rows["合计"][1:3] == (8, 4)
    assert rows["合计"][4] == pytest.approx(71.25)
    assert summary.cell(row=3, column=4).number_format == "0.0%"
    district = wb["如东县"]
    assert district.cell(row=2, column=1).value == "学校"
    schools = [r[0] for r in district.iter_rows(min_row=3, values_only=True)]
    assert schools == ["如东县实验小学", "如东县第二小学", "小计"]


def test_formula_like_school_names_are_escaped_in_xlsx(client, city):  # noqa: F811
    school = SchoolFactory(name='=HYPERLINK("http://evil")', parent=city.town_a)
    make_student(ClassFactory(parent=school, grade=5))
    client.force_login(city.city_organiser)
    wb = openpyxl.load_workbook(io.BytesIO(client.get(_url("results:stats_contest_xlsx", city.contest)).content))
    cells = [c for row in wb["如东县"].iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells, "the school row is exported"
    assert all(c.data_type == "s" and c.value.startswith("'=") for c in cells)


def test_district_organiser_export_holds_only_their_district(client, city):  # noqa: F811
    client.force_login(city.organiser_a)
    wb = openpyxl.load_workbook(io.BytesIO(client.get(_url("results:stats_contest_xlsx", city.contest)).content))
    assert wb.sheetnames == ["汇总", "如东县"]
    text = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value)
    assert "海安" not in text


def test_export_of_a_contest_outside_the_region_is_refused(client, city):  # noqa: F811
    other = make_knowledge_contest(owner=city.district_b, title="海安市竞赛")
    client.force_login(city.organiser_a)
    assert client.get(_url("results:stats_contest_xlsx", other)).status_code == 404
    assert client.get(_url("results:stats_contest", other)).status_code == 404


def test_teachers_and_students_cannot_see_the_dashboard(client, city):  # noqa: F811
    for user in (city.teacher_a, city.student_a):
        client.force_login(user)
        assert client.get(_url("results:stats_contest", city.contest)).status_code == 403
        assert client.get(_url("results:stats_contest_xlsx", city.contest)).status_code == 403


def test_stats_index_and_trends_list_contests_in_region(client, city):  # noqa: F811
    client.force_login(city.organiser_a)
    body = client.get(reverse("results:stats_index")).content.decode()
    assert city.contest.title in body
    year = city.contest.opens_at.year
    body = client.get(reverse("results:stats_trends"), {"year": year}).content.decode()
    assert city.contest.title in body
    assert "66.67" in body  # district A's average, not the city's


def _grow_city(tree, contest, n_schools, start=0):
    for i in range(start, start + n_schools):
        school = SchoolFactory(name=f"扩展学校{i:03d}", parent=tree.town_a if i % 2 else tree.town_b)
        klass = ClassFactory(parent=school, grade=5)
        for _j in range(2):
            student = make_student(klass)
            make_attempt(contest, student, klass, 70)


def _dashboard_queries(client, contest):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(_url("results:stats_contest", contest))
        assert response.status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_query_count_does_not_grow_with_the_number_of_schools(client):
    tree = Tree()
    contest = make_knowledge_contest(owner=tree.city)
    client.force_login(tree.city_organiser)
    _grow_city(tree, contest, 3)
    _dashboard_queries(client, contest)  # warm process-wide caches (ContentType)
    small = _dashboard_queries(client, contest)
    _grow_city(tree, contest, 30, start=3)
    large = _dashboard_queries(client, contest)
    assert large == small, (small, large)
    assert small <= 14, small


def test_trends_export_lists_each_contest_of_the_year_for_the_region(client, city):  # noqa: F811
    make_knowledge_contest(owner=city.district_b, title="海安市竞赛")
    client.force_login(city.organiser_a)
    response = client.get(reverse("results:stats_trends_xlsx"), {"year": city.contest.opens_at.year})
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[2]] == ["竞赛", "开始日期", "参与人数", "平均分", "优秀率"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == [city.contest.title]
    assert rows[0][2] == 3 and rows[0][3] == pytest.approx(66.67)


def test_submission_dashboard_query_count_does_not_grow_with_the_number_of_schools(client):
    from .factories import award, make_entry, make_submission_contest

    tree = Tree()
    contest = make_submission_contest(owner=tree.city)
    client.force_login(tree.city_organiser)
    url = reverse("results:stats_contest", args=["submission", contest.pk])

    def grow(start, n):
        for i in range(start, start + n):
            school = SchoolFactory(name=f"征文学校{i:03d}", parent=tree.town_a if i % 2 else tree.town_b)
            klass = ClassFactory(parent=school, grade=5)
            entry = make_entry(contest, make_student(klass), klass, code=f"ZW-{i:04d}")
            award(entry, "merit", i + 1)

    def queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    grow(0, 3)
    queries()
    small = queries()
    grow(3, 30)
    assert queries() == small
