"""Pages per role: students read, take the quiz and reflect; teachers see their class; organisers manage;
counsellors see cases; everybody else is refused."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reading import services
from reading.models import DistressFlag, Progress, Reading, ReadingStatus, Reflection, Reminder
from tests.competitions.factories import make_question
from tests.factories import ClassFactory, Tree, make_member, make_organiser, make_student, make_teacher

from .factories import add_phrases, make_counsellor, make_reading

pytestmark = pytest.mark.django_db


def this_month_reading(owner, **kw):
    today = timezone.localdate()
    return make_reading(owner, month=today.replace(day=1), **kw)


def read_now(user, reading):
    now = timezone.now() - timedelta(minutes=10)
    services.progress_save(user=user, reading_id=reading.pk, position=1.0, engaged_s=0, now=now)
    for i in range(1, 40):
        p = services.progress_save(
            user=user, reading_id=reading.pk, position=1.0, engaged_s=15, now=now + timedelta(seconds=15 * i)
        )
        if p.read_at:
            return p
    raise AssertionError


def test_student_list_shows_open_readings_and_marks_reminders_seen(client):
    tree = Tree()
    reading = this_month_reading(tree.city)
    this_month_reading(tree.district_b, title="海安专篇")
    Reminder.objects.create(student=tree.student_a, message="记得读完哦", created_at=timezone.now())
    client.force_login(tree.student_a)
    html = client.get(reverse("reading:index")).content.decode()
    assert reading.title in html and "海安专篇" not in html
    assert "记得读完哦" in html
    assert not Reminder.objects.filter(seen_at=None).exists()


def test_quiz_is_hidden_until_read_then_scored_with_explanations(client):
    tree = Tree()
    reading = this_month_reading(tree.city, minutes=1)
    client.force_login(tree.student_a)
    html = client.get(reverse("reading:detail", args=[reading.pk])).content.decode()
    assert "提交测验" not in html and 'data-progress-url="/api/v1/readings/' in html
    read_now(tree.student_a, reading)
    html = client.get(reverse("reading:detail", args=[reading.pk])).content.decode()
    assert "提交测验" in html
    links = list(reading.questions.select_related("revision"))
    post = {
        f"q{links[0].revision_id}": "B",
        f"q{links[1].revision_id}": "true",
        f"q{links[2].revision_id}": ["A", "C"],
        f"q{links[3].revision_id}_0": "南通",
    }
    response = client.post(reverse("reading:quiz", args=[reading.pk]), post)
    html = response.content.decode()
    assert "本次得分：100 分" in html and "已完成本篇阅读" in html and "因为这是正确答案。" in html
    assert Progress.objects.get(user=tree.student_a).completed_at is not None


def test_quiz_post_before_reading_shows_a_chinese_error(client):
    tree = Tree()
    reading = this_month_reading(tree.city)
    client.force_login(tree.student_a)
    response = client.post(reverse("reading:quiz", args=[reading.pk]), {})
    assert response.status_code == 409 and "请先读完全文" in response.content.decode()


def test_concerning_reflection_shows_the_help_line_not_the_flag(client):
    add_phrases()
    tree = Tree()
    reading = this_month_reading(tree.city)
    client.force_login(tree.student_a)
    response = client.post(reverse("reading:reflection", args=[reading.pk]), {"text": "我在学校被欺负了"})
    html = response.content.decode()
    assert "12356" in html and "心理老师也会关心你" in html
    assert "预警" not in html and "flag" not in html.lower()
    assert DistressFlag.objects.count() == 1


def test_cases_pages_only_for_the_schools_counsellor_and_organiser(client):
    add_phrases()
    tree = Tree()
    reading = this_month_reading(tree.city)
    counsellor = make_counsellor(tree.school_a)
    services.reflection_save(user=tree.student_a, reading_id=reading.pk, text="没有希望", share_consent=False)
    flag = DistressFlag.objects.get()
    client.force_login(counsellor)
    assert "没有希望" in client.get(reverse("reading:case", args=[flag.pk])).content.decode()
    client.post(reverse("reading:case", args=[flag.pk]), {"state": "contacted", "note": "已约谈"})
    flag.refresh_from_db()
    assert flag.state == "contacted"
    client.force_login(make_organiser(tree.school_a))
    assert "已约谈" in client.get(reverse("reading:case", args=[flag.pk])).content.decode()
    superuser = make_member(Role.ADMIN, tree.city, is_superuser=True, is_staff=True)
    client.force_login(make_counsellor(tree.school_b))
    assert "张小明" not in client.get(reverse("reading:cases")).content.decode()
    assert client.get(reverse("reading:case", args=[flag.pk])).status_code == 403
    for outsider in (tree.teacher_a, make_teacher(tree.school_a), superuser, tree.student_a):
        client.force_login(outsider)
        assert client.get(reverse("reading:case", args=[flag.pk])).status_code == 403
        assert client.get(reverse("reading:cases")).status_code == 403
    for up_the_chain in (tree.organiser_a, tree.city_organiser):  # only once a flag is escalated to them
        client.force_login(up_the_chain)
        assert client.get(reverse("reading:case", args=[flag.pk])).status_code == 403
        assert "张小明" not in client.get(reverse("reading:cases")).content.decode()
        response = client.post(reverse("reading:case", args=[flag.pk]), {"state": "closed", "note": "x"})
        assert response.status_code == 403
    flag.refresh_from_db()
    assert flag.state == "contacted"


def test_admin_never_shows_reflection_or_flag_text(admin_client):
    add_phrases()
    tree = Tree()
    reading = this_month_reading(tree.city)
    services.reflection_save(user=tree.student_a, reading_id=reading.pk, text="秘密心得不想活了", share_consent=False)
    flag = DistressFlag.objects.get()
    reflection = Reflection.objects.get()
    for url in (
        reverse("admin:reading_reflection_changelist"),
        reverse("admin:reading_reflection_change", args=[reflection.pk]),
        reverse("admin:reading_distressflag_changelist"),
        reverse("admin:reading_distressflag_change", args=[flag.pk]),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200
        assert "秘密心得" not in response.content.decode()


def test_teacher_class_view_lists_own_class_nudges_and_sends_reminders(client):
    tree = Tree()
    reading = this_month_reading(tree.city, minutes=1)
    idle = make_student(tree.class_a, real_name="王小懒")
    read_now(tree.student_a, reading)
    client.force_login(tree.teacher_a)
    html = client.get(reverse("reading:class") + f"?class={tree.class_a.pk}&reading={reading.pk}").content.decode()
    assert "张小明" in html and "王小懒" in html and "李小红" not in html
    assert "从未阅读" in html
    client.post(reverse("reading:remind"), {"student": [idle.pk], "reading": reading.pk, "message": "快来读"})
    assert Reminder.objects.get().student == idle
    response = client.post(reverse("reading:remind"), {"student": [tree.student_b.pk], "message": "x"})
    assert response.status_code == 403 and Reminder.objects.count() == 1


def test_students_judges_and_counsellors_cannot_reach_manage_stats_or_class(client):
    tree = Tree()
    for user in (tree.student_a, tree.judge, make_counsellor(tree.school_a)):
        client.force_login(user)
        for name in ("reading:manage", "reading:manage_new", "reading:stats", "reading:class"):
            assert client.get(reverse(name)).status_code == 403, (user, name)


def test_organiser_creates_and_publishes_a_reading_with_bank_questions(client):
    tree = Tree()
    from tests.competitions.factories import make_topic

    topic = make_topic("心理健康/每月一读/2026-12")
    qs = [make_question(topic=topic).question for _ in range(3)]
    client.force_login(tree.organiser_a)
    response = client.post(
        reverse("reading:manage_new"),
        {
            "title": "十二月·勇敢的心",
            "owner_org": tree.district_a.pk,
            "month": "2026-12-15",
            "body": '<p onclick="x()">正文</p><script>alert(1)</script><img src="javascript:alert(1)">',
            "reading_minutes": 6,
            "topic": topic.pk,
            "question_ids": ",".join(str(q.pk) for q in qs),
            "pass_percent": 60,
            "grade_bands": ["primary_upper"],
        },
    )
    reading = Reading.objects.get()
    assert response.status_code == 302
    assert reading.body.startswith("<p>正文</p>") and "script" not in reading.body and "javascript" not in reading.body
    assert str(reading.month) == "2026-12-01" and str(reading.opens_on) == "2026-12-01"
    client.post(reverse("reading:manage_publish", args=[reading.pk]))
    reading.refresh_from_db()
    assert reading.status == ReadingStatus.PUBLISHED and reading.questions.count() == 3


def test_publish_refuses_unreviewed_questions_and_wrong_counts(client):
    tree = Tree()
    reading = make_reading(tree.district_a, status=ReadingStatus.DRAFT)
    first = reading.questions.first().revision.question
    first.status = "pending"
    first.save()
    with pytest.raises(Exception, match="尚未通过审核"):
        services.reading_publish(actor=tree.organiser_a, reading_id=reading.pk)
    reading.questions.all()[:1].get().delete()
    reading.questions.filter(pk__in=list(reading.questions.values_list("pk", flat=True)[:2])).delete()
    with pytest.raises(Exception, match="3–5"):
        services.reading_publish(actor=tree.organiser_a, reading_id=reading.pk)
    with pytest.raises(Exception, match="管理的区域"):
        services.reading_publish(actor=tree.organiser_b, reading_id=reading.pk)


def test_other_districts_organiser_cannot_edit(client):
    tree = Tree()
    reading = make_reading(tree.district_a, status=ReadingStatus.DRAFT)
    client.force_login(tree.organiser_b)
    assert client.get(reverse("reading:manage_edit", args=[reading.pk])).status_code == 404


def test_series_and_printable_record(client):
    tree = Tree()
    from reading.models import Series

    series = Series.objects.create(title="2026学年每月一读", owner_org=tree.city)
    reading = this_month_reading(tree.city, series=series, minutes=1)
    read_now(tree.student_a, reading)
    services.quiz_submit(
        user=tree.student_a,
        reading_id=reading.pk,
        answers={str(q.revision_id): q.revision.answer for q in reading.questions.select_related("revision")[:3]},
    )
    client.force_login(tree.student_a)
    html = client.get(reverse("reading:series", args=[series.pk])).content.decode()
    assert "已完成 1 / 1 篇" in html
    html = client.get(reverse("reading:record")).content.decode()
    assert reading.title in html and "已连续 1 个月完成阅读" in html and "家长签字" in html


def test_school_level_teacher_sees_every_class_of_the_school(client):
    tree = Tree()
    other = ClassFactory(parent=tree.school_a, grade=4, name="四（1）班")
    teacher = make_teacher(tree.school_a)
    reading = this_month_reading(tree.city)
    client.force_login(teacher)
    html = client.get(reverse("reading:class") + f"?class={other.pk}&reading={reading.pk}").content.decode()
    assert "四（1）班" in html


def test_teacher_sees_the_class_progress_through_a_series(client):
    from reading.models import Series

    tree = Tree()
    series = Series.objects.create(title="2026学年每月一读", owner_org=tree.city)
    first = this_month_reading(tree.city, series=series, minutes=1)
    read_now(tree.student_a, first)
    client.force_login(tree.teacher_a)
    html = client.get(reverse("reading:class_series", args=[series.pk]) + f"?class={tree.class_a.pk}").content.decode()
    assert "张小明" in html and "已读，待测验" in html and "0 / 1" in html
    client.force_login(tree.teacher_b)
    response = client.get(reverse("reading:class_series", args=[series.pk]) + f"?class={tree.class_a.pk}")
    assert response.status_code == 302  # not their class: back to their own class view


def test_reading_page_saves_with_the_session_page_token_that_dies_at_logout(client):
    from accounts.models import ApiToken
    from accounts.tokens import token_user

    tree = Tree()
    reading = this_month_reading(tree.city)
    client.force_login(tree.student_a)
    html = client.get(reverse("reading:detail", args=[reading.pk])).content.decode()
    raw = html.split('data-token="')[1].split('"')[0]
    assert token_user(raw) == tree.student_a
    client.get(reverse("reading:detail", args=[reading.pk]))
    assert ApiToken.objects.filter(user=tree.student_a).count() == 1  # reused, not one per view
    client.post(reverse("accounts:logout"))
    assert token_user(raw) is None


def test_counsellor_home_links_to_the_private_cases():
    from django.test import Client

    tree = Tree()
    client = Client()
    client.force_login(make_counsellor(tree.school_a))
    html = client.get("/").content.decode()
    assert 'id="counsellor-home"' in html and reverse("reading:cases") in html
    client.force_login(tree.teacher_a)
    assert 'id="counsellor-home"' not in client.get("/").content.decode()
