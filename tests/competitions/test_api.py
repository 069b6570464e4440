import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.tokens import token_issue
from competitions.models import Attempt, ReviewPolicy, ScorePolicy
from questionbank.models import QuestionType
from tests.factories import DEFAULT_PASSWORD, make_student

from .factories import make_contest, make_question

SECRET_EXPLANATION = "解析：这是只在交卷后才能看到的秘密"


@pytest.fixture
def revs(topic):
    return [
        make_question(topic=topic, qtype=QuestionType.SINGLE, answer=["C"], explanation=SECRET_EXPLANATION),
        make_question(topic=topic, qtype=QuestionType.FILL_BLANK, answer=[["独一无二的答案词"]]),
        make_question(topic=topic, qtype=QuestionType.TRUE_FALSE, answer=True),
    ]


@pytest.fixture
def contest(tree, revs):
    return make_contest(
        owner_org=tree.district_a,
        fixed=[(r, "10") for r in revs],
        score_policy=ScorePolicy.IMMEDIATELY,
        review_policy=ReviewPolicy.IMMEDIATELY,
    )


class Api:
    def __init__(self, user=None):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user)}"} if user else {}

    def call(self, method, path, body=None):
        kwargs = dict(self.headers)
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        response = getattr(self.client, method)(f"/api/v1{path}", **kwargs)
        return response.status_code, response.json()


def test_token_login_and_contest_list(tree, contest):
    client = Client()
    r = client.post(
        "/api/v1/auth/token",
        data={"username": "stu_a", "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    assert r.status_code == 200
    token = r.json()["token"]
    r = client.get("/api/v1/contests", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200
    [row] = r.json()
    assert row["id"] == contest.pk and row["kind"] == "formal" and row["status"] == "open"
    assert row["time_limit_s"] == contest.time_limit_s and row["attempts_left"] == 1


def test_wrong_password_is_401_and_repeated_failures_lock_out(tree):
    client = Client()
    for _ in range(3):
        r = client.post(
            "/api/v1/auth/token", data={"username": "stu_a", "password": "nope"}, content_type="application/json"
        )
        assert r.status_code in (401, 429)
    assert r.json()["code"] in ("invalid_credentials", "locked_out")
    r = client.post(
        "/api/v1/auth/token",
        data={"username": "stu_a", "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    assert r.status_code == 429
    assert r.json() == {"code": "locked_out", "message": "登录失败次数过多，请稍后再试。"}


def test_unauthenticated_and_bad_token_get_401(tree, contest):
    assert Api().call("get", "/contests")[0] == 401
    client = Client()
    r = client.get("/api/v1/contests", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert r.status_code == 401 and r.json()["code"] == "unauthorized"


def test_must_change_password_blocks_api_calls_but_not_login(tree, contest):
    tree.student_a.must_change_password = True
    tree.student_a.save()
    status, body = Api(tree.student_a).call("get", "/contests")
    assert status == 403 and body["code"] == "password_change_required"


def test_full_flow_start_resume_save_submit(tree, contest):
    api = Api(tree.student_a)
    status, attempt = api.call("post", f"/contests/{contest.pk}/attempts")
    assert status == 201
    assert set(attempt) >= {"id", "contest_id", "deadline", "remaining_s", "questions", "answers"}
    q = {x["type"]: x for x in attempt["questions"]}
    assert q["fill_blank"]["blanks"] == 1 and [o["key"] for o in q["single"]["options"]] == ["A", "B", "C", "D"]
    status, saved = api.call("put", f"/attempts/{attempt['id']}/answers/{q['true_false']['id']}", {"answer": True})
    assert status == 200 and saved["saved"] is True and 0 < saved["remaining_s"] <= contest.time_limit_s
    status, again = api.call("post", f"/contests/{contest.pk}/attempts")
    assert status == 200 and again["id"] == attempt["id"]
    assert again["answers"] == {str(q["true_false"]["id"]): True}
    status, result = api.call("post", f"/attempts/{attempt['id']}/submit")
    assert status == 200 and result["status"] == "submitted" and result["result"]["score"] == 10.0
    status, detail = api.call("get", f"/attempts/{attempt['id']}")
    assert detail["state"] == "finalised" and len(detail["review"]) == 3


def test_no_key_or_explanation_leaks_before_finalisation(tree, contest, revs):
    api = Api(tree.student_a)
    bodies = []
    status, attempt = api.call("post", f"/contests/{contest.pk}/attempts")
    bodies.append(attempt)
    qid = {x["type"]: x["id"] for x in attempt["questions"]}
    bodies.append(api.call("get", f"/attempts/{attempt['id']}")[1])
    bodies.append(api.call("put", f"/attempts/{attempt['id']}/answers/{qid['single']}", {"answer": ["Z"]})[1])
    bodies.append(api.call("put", f"/attempts/{attempt['id']}/answers/{qid['fill_blank']}", {"answer": ["x"]})[1])
    text = json.dumps(bodies, ensure_ascii=False)
    assert "独一无二的答案词" not in text
    assert SECRET_EXPLANATION not in text
    assert '"answer": ["C"]' not in text and "correct" not in text and "score" not in text
    page = Client()
    page.force_login(tree.student_a)
    response = page.get(f"/contests/attempts/{attempt['id']}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert attempt["questions"][0]["stem"] in html
    assert "独一无二的答案词" not in html and SECRET_EXPLANATION not in html


def test_result_withheld_until_close_when_policy_says_so(tree, contest):
    contest.score_policy = ScorePolicy.AFTER_CLOSE
    contest.review_policy = ReviewPolicy.AFTER_CLOSE
    contest.save()
    api = Api(tree.student_a)
    _, attempt = api.call("post", f"/contests/{contest.pk}/attempts")
    status, body = api.call("post", f"/attempts/{attempt['id']}/submit")
    assert (status, body) == (200, {"status": "submitted"})
    detail = api.call("get", f"/attempts/{attempt['id']}")[1]
    assert detail["result"] is None and detail["review"] is None
    assert SECRET_EXPLANATION not in json.dumps(detail, ensure_ascii=False)


def test_api_error_cases_have_precise_codes(tree, contest, topic):
    api = Api(tree.student_a)
    _, attempt = api.call("post", f"/contests/{contest.pk}/attempts")
    aid = attempt["id"]
    qid = {x["type"]: x["id"] for x in attempt["questions"]}
    other_rev = make_question(topic=topic)

    def expect(method, path, body, status, code):
        got_status, got = api.call(method, path, body)
        assert (got_status, got.get("code")) == (status, code), got
        assert set(got) == {"code", "message"} and got["message"]

    expect("post", "/contests/999999/attempts", None, 404, "contest_not_found")
    expect("get", "/attempts/999999", None, 404, "attempt_not_found")
    expect("put", f"/attempts/{aid}/answers/{other_rev.pk}", {"answer": ["A"]}, 404, "question_not_in_paper")
    expect("put", f"/attempts/{aid}/answers/{qid['single']}", {"answer": ["A", "B"]}, 422, "malformed_answer")
    expect("put", f"/attempts/{aid}/answers/{qid['true_false']}", {"answer": "true"}, 422, "malformed_answer")
    expect("put", f"/attempts/{aid}/answers/{qid['fill_blank']}", {"answer": ["a", "b"]}, 422, "malformed_answer")
    expect("put", f"/attempts/{aid}/answers/{qid['single']}", {"wrong": 1}, 422, "invalid_request")
    raw = api.client.put(
        f"/api/v1/attempts/{aid}/answers/{qid['single']}", data="{bad", content_type="application/json", **api.headers
    )
    assert (raw.status_code, raw.json()) == (400, {"code": "invalid_json", "message": "请求体不是有效的 JSON。"})
    # another student's attempt looks like it does not exist
    other = Api(tree.student_b)
    status, body = other.call("put", f"/attempts/{aid}/answers/{qid['single']}", {"answer": ["A"]})
    assert (status, body["code"]) == (404, "attempt_not_found")
    # contest for another district's students only
    status, body = other.call("post", f"/contests/{contest.pk}/attempts")
    assert (status, body["code"]) == (403, "not_eligible")
    # after the deadline
    Attempt.objects.filter(pk=aid).update(deadline=timezone.now() - timedelta(seconds=1))
    expect("put", f"/attempts/{aid}/answers/{qid['single']}", {"answer": ["A"]}, 409, "deadline_passed")
    expect("put", f"/attempts/{aid}/answers/{qid['single']}", {"answer": ["A"]}, 409, "attempt_finished")


def test_contest_not_open_is_403(tree, revs):
    future = make_contest(
        owner_org=tree.city,
        fixed=[(revs[0], "1")],
        opens_at=timezone.now() + timedelta(hours=1),
        closes_at=timezone.now() + timedelta(hours=2),
    )
    status, body = Api(tree.student_a).call("post", f"/contests/{future.pk}/attempts")
    assert (status, body["code"]) == (403, "contest_not_open")


def test_session_auth_requires_csrf_for_writes(tree, contest):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tree.student_a)
    assert client.get("/api/v1/contests").status_code == 200
    r = client.post(f"/api/v1/contests/{contest.pk}/attempts")
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed"


def test_openapi_schema_is_served(db):
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    assert "/api/v1/attempts/{attempt_id}/answers/{question_id}" in r.json()["paths"]


def test_students_only_see_contests_for_their_region_and_band(tree, revs):
    make_contest(owner_org=tree.district_a, fixed=[(revs[0], "1")], title="如东赛")
    make_contest(owner_org=tree.city, fixed=[(revs[0], "1")], title="高中赛", grade_bands=["senior"])
    make_contest(owner_org=tree.city, fixed=[(revs[0], "1")], title="草稿赛", publish=False)
    assert [c["title"] for c in Api(tree.student_b).call("get", "/contests")[1]] == []
    assert [c["title"] for c in Api(tree.student_a).call("get", "/contests")[1]] == ["如东赛"]
    young = make_student(tree.class_a)
    assert len(Api(young).call("get", "/contests")[1]) == 1
