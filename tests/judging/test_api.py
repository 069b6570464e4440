import pytest
from django.test import Client

from accounts.tokens import token_issue
from judging.models import Assignment, Score, ScoreStatus
from tests.factories import make_judge

from .factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = World(schools=3, judges=3, k=2)
    w.open_and_assign()
    return w


def call(user, method, path, body=None):
    client = Client()
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user)}"}
    if body is not None:
        kwargs.update(data=body, content_type="application/json")
    return getattr(client, method)(f"/api/v1/judging{path}", **kwargs)


def test_judge_reads_the_queue_and_a_blind_entry(world):
    a = Assignment.objects.filter(round=world.round).select_related("entry__author", "entry__school").first()
    r = call(a.judge, "get", "/queue")
    assert r.status_code == 200 and r.json()["assigned"] == Assignment.objects.filter(judge=a.judge).count()
    r = call(a.judge, "get", f"/assignments/{a.pk}")
    body = r.content.decode()
    assert r.status_code == 200 and r.json()["code"] == a.entry.code
    assert [c["name"] for c in r.json()["criteria"]] == ["立意", "内容", "结构", "语言"]
    for ident in (a.entry.author.real_name, a.entry.author.username, a.entry.school.name):
        assert ident not in body


def test_score_errors_are_json_with_a_code_and_chinese_message(world):
    a = Assignment.objects.filter(round=world.round).first()
    crit = world.criteria()
    r = call(a.judge, "post", f"/assignments/{a.pk}/score", {"points": {str(crit[0].pk): 31}, "submit": True})
    assert r.status_code == 400
    assert r.json() == {"code": "score_out_of_range", "message": "「立意」的分数须在 0 到 30 之间。"}
    other = make_judge(world.tree.city, username="other")
    r = call(other, "post", f"/assignments/{a.pk}/score", {"points": {}, "submit": False})
    assert r.status_code == 404 and r.json()["code"] == "not_assigned"
    r = call(world.students[0], "get", "/queue")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert not Score.objects.exists()


def test_submit_through_the_api_then_resubmit_is_409(world):
    a = Assignment.objects.filter(round=world.round).first()
    points = {str(c.pk): 10 for c in world.criteria()}
    r = call(a.judge, "post", f"/assignments/{a.pk}/score", {"points": points, "submit": True})
    assert r.status_code == 200 and r.json() == {"status": "submitted", "total": 40.0}
    r = call(a.judge, "post", f"/assignments/{a.pk}/score", {"points": points, "submit": True})
    assert r.status_code == 409 and r.json()["code"] == "score_submitted"
    assert Score.objects.get(assignment=a).status == ScoreStatus.SUBMITTED
