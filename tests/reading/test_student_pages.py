"""The student's side around the text: a teacher's reminder on the home page, going back to where the
reading stopped, the page's messages from the catalogue, and the monthly record across months."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from reading import services
from tests.factories import Tree

from .factories import make_reading

pytestmark = pytest.mark.django_db


def this_month_reading(owner, **kw):
    return make_reading(owner, month=timezone.localdate().replace(day=1), **kw)


def test_a_teachers_reminder_greets_the_student_on_the_home_page_until_the_list_is_opened(client):
    tree = Tree()
    reading = this_month_reading(tree.city)
    services.reminders_send(
        actor=tree.teacher_a, student_ids=[tree.student_a.pk], reading=reading, message="记得读完本月的故事"
    )
    client.force_login(tree.student_b)
    assert "记得读完本月的故事" not in client.get("/").content.decode()
    client.force_login(tree.student_a)
    html = client.get("/").content.decode()
    assert 'id="reading-reminders"' in html and "记得读完本月的故事" in html
    client.get(reverse("reading:index"))  # the reading list shows it and marks it seen
    assert 'id="reading-reminders"' not in client.get("/").content.decode()


def test_the_reading_page_offers_to_go_back_to_where_the_student_stopped(client):
    tree = Tree()
    reading = this_month_reading(tree.city)
    client.force_login(tree.student_a)
    url = reverse("reading:detail", args=[reading.pk])
    html = client.get(url).content.decode()
    assert 'id="resume"' not in html  # nothing to go back to
    assert 'data-msg-start-quiz="开始测验"' in html and 'data-msg-failed="进度保存失败"' in html
    services.progress_save(user=tree.student_a, reading_id=reading.pk, position=0.6, engaged_s=10)
    html = client.get(url).content.decode()
    assert 'id="resume"' in html and 'data-position="0.600"' in html and "约 60%" in html
    services.progress_save(user=tree.student_a, reading_id=reading.pk, position=0.99, engaged_s=0)
    assert 'id="resume"' not in client.get(url).content.decode()  # at the end: nothing to resume


def test_the_monthly_record_moves_back_through_past_months_but_not_into_the_future(client):
    tree = Tree()
    client.force_login(tree.student_a)
    this_month = timezone.localdate().replace(day=1)
    html = client.get(reverse("reading:record"), {"month": f"{this_month:%Y-%m}"}).content.decode()
    assert 'id="record-next"' not in html and 'id="record-previous"' in html
    html = client.get(reverse("reading:record"), {"month": "2026-01"}).content.decode()
    assert 'href="?month=2025-12"' in html
    if date(2026, 2, 1) <= this_month:
        assert 'href="?month=2026-02"' in html
