"""A reading time left blank is estimated from the text; it sets how long a plausible reading takes."""

import pytest
from django.urls import reverse

from reading import services
from reading.models import Reading
from tests.competitions.factories import make_question, make_topic
from tests.factories import Tree

pytestmark = pytest.mark.django_db


def _post(client, tree, topic, url, **extra):
    data = {
        "title": "十二月·勇敢的心",
        "owner_org": tree.district_a.pk,
        "month": "2026-12-01",
        # 450 + 150 characters of text; markup, spaces and line breaks are not read
        "body": "<p>" + "字" * 450 + "</p>\n<p>  " + "文" * 150 + " </p>",
        "reading_minutes": "",
        "topic": topic.pk,
        "question_ids": ",".join(str(make_question(topic=topic).question.pk) for _ in range(3)),
        "pass_percent": 60,
    }
    data.update(extra)
    return client.post(url, data)


def test_left_blank_the_reading_time_is_estimated_from_the_text_and_an_organisers_figure_wins(client, settings):
    settings.READING_CHARS_PER_MINUTE = 200
    settings.READING_READ_MIN_FRACTION = 0.4
    tree = Tree()
    topic = make_topic("心理健康/每月一读/2026-12")
    client.force_login(tree.organiser_a)
    assert _post(client, tree, topic, reverse("reading:manage_new")).status_code == 302
    reading = Reading.objects.get()
    assert reading.reading_minutes == 3  # 600 characters at 200 a minute
    assert services.plausible_read_s(reading) == 72  # 0.4 × 3 minutes
    edit = reverse("reading:manage_edit", args=[reading.pk])
    assert "按正文字数估算约 3 分钟" in client.get(edit).content.decode()
    assert _post(client, tree, topic, edit, reading_minutes=7).status_code == 302
    reading.refresh_from_db()
    assert reading.reading_minutes == 7


def test_a_short_text_is_at_least_a_minute():
    assert services.reading_minutes_estimate("<p>短</p><img src='/media/x.jpg'>") == 1
    assert services.reading_minutes_estimate("<p>" + "字" * 201 + "</p>") == 2
