"""Essay contests: statistics and award certificates from the published award list.

如东县实验小学 五（1）班: 3 students, 2 entries (一等奖, 三等奖)
海安市实验小学 五（2）班: 1 student, 1 entry (优秀奖, unpublished → not counted)
"""

import io

import openpyxl
import pytest
from django.urls import reverse

from accounts.selectors import scope_for
from results.models import Certificate, CertificateKind
from results.services import CertificateError, certificates_generate
from results.statistics import submission_contest_stats
from tests.factories import Tree, make_student

from .factories import award, make_entry, make_submission_contest, make_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def essay():
    t = Tree()
    t.contest = make_submission_contest(owner=t.city)
    t.extra = [make_student(t.class_a, real_name="王小五"), make_student(t.class_a)]
    t.e1 = make_entry(t.contest, t.student_a, t.class_a, code="ZW-0001")
    t.e2 = make_entry(t.contest, t.extra[0], t.class_a, code="ZW-0002")
    t.e3 = make_entry(t.contest, t.student_b, t.class_b, code="ZW-0003")
    award(t.e1, "first", 1)
    award(t.e2, "third", 2)
    award(t.e3, "merit", 3, published=False)
    return t


def test_submission_statistics_count_entries_and_published_awards(essay):
    stats = submission_contest_stats(essay.contest, scope_for(essay.city_organiser))
    by_name = {d.total.name: d.total for d in stats.districts}
    a, b = by_name["如东县"], by_name["海安市"]
    assert (a.enrolled, a.participants, a.awards) == (3, 2, {"first": 1, "third": 1})
    assert a.participation_rate == pytest.approx(2 / 3)
    assert (b.enrolled, b.participants, b.awards) == (1, 1, {})
    assert stats.total.award_total == 2


def test_submission_xlsx_has_award_tier_columns(client, essay):
    client.force_login(essay.city_organiser)
    response = client.get(reverse("results:stats_contest_xlsx", args=["submission", essay.contest.pk]))
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    header = [c.value for c in wb["汇总"][2]]
    assert header == ["区县", "在册学生数", "参赛作品数", "参与率", "一等奖", "二等奖", "三等奖", "优秀奖", "获奖合计"]
    rows = {r[0]: r for r in wb["汇总"].iter_rows(min_row=3, values_only=True)}
    assert rows["合计"][1:3] == (4, 3)
    assert rows["合计"][-1] == 2


def test_submission_dashboard_renders(client, essay):
    client.force_login(essay.organiser_b)
    response = client.get(reverse("results:stats_contest", args=["submission", essay.contest.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "海安市实验小学" in body
    assert "如东县实验小学" not in body


def test_award_certificates_name_the_published_tier(essay):
    template = make_template(target=essay.contest, org=essay.city, kind=CertificateKind.AWARD)
    certificates_generate(template=template)
    certs = dict(Certificate.objects.values_list("holder__real_name", "award_text"))
    assert certs == {"张小明": "一等奖", "王小五": "三等奖"}


def test_award_certificates_wait_for_publication(essay):
    from judging.models import Award

    Award.objects.update(published_at=None)
    template = make_template(target=essay.contest, org=essay.city, kind=CertificateKind.AWARD)
    with pytest.raises(CertificateError, match="奖项尚未公布"):
        certificates_generate(template=template)


def test_team_members_of_an_awarded_entry_get_their_own_certificates(essay):
    essay.e1.team_members.add(essay.extra[1])
    template = make_template(target=essay.contest, org=essay.city, kind=CertificateKind.AWARD)
    certificates_generate(template=template)
    team_cert = Certificate.objects.get(holder=essay.extra[1])
    assert team_cert.award_text == "一等奖"
    assert team_cert.code != Certificate.objects.get(holder=essay.student_a).code


def test_yearly_trends_list_essay_contests_with_entries_and_published_awards(client, essay):
    client.force_login(essay.organiser_a)
    body = client.get(reverse("results:stats_trends"), {"year": essay.contest.opens_at.year}).content.decode()
    assert essay.contest.title in body
    from results.statistics import submission_trends

    rows = submission_trends([essay.contest], scope_for(essay.organiser_a))
    assert (rows[0]["entries"], rows[0]["awards"]) == (2, 2)  # 如东县 only
    rows = submission_trends([essay.contest], scope_for(essay.city_organiser))
    assert (rows[0]["entries"], rows[0]["awards"]) == (3, 2)  # the unpublished award is not counted
