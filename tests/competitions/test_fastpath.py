"""The raw-ASGI answer path must behave exactly like the API endpoint (codes, durability, deadline)."""

import json
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.utils import timezone

from accounts.tokens import token_issue
from competitions.fastpath import AnswerFastPath
from competitions.models import Attempt, AttemptItem, AttemptState
from competitions.services import attempt_start, attempt_submit
from questionbank.models import QuestionType

from .factories import make_contest, make_question, make_topic

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
async def _close_thread_connections():
    yield
    # sync_to_async work ran in asgiref's executor thread, which holds its own connection
    await sync_to_async(connections.close_all)()


async def inner_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 299, "headers": []})
    await send({"type": "http.response.body", "body": b"django"})


async def put(app, path, body, token=None):
    headers = [(b"content-type", b"application/json")]
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    scope = {"type": "http", "method": "PUT", "path": path, "headers": headers}
    raw = json.dumps(body).encode() if not isinstance(body, bytes) else body
    messages = [{"type": "http.request", "body": raw, "more_body": False}]
    sent = []

    async def receive():
        return messages.pop(0)

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    status = sent[0]["status"]
    payload = sent[1]["body"]
    return status, (json.loads(payload) if status != 299 else payload)


@pytest.fixture
def setup():
    from tests.factories import Tree

    tree = Tree()
    topic = make_topic()
    revs = [
        make_question(topic=topic, qtype=QuestionType.SINGLE),
        make_question(topic=topic, qtype=QuestionType.FILL_BLANK, answer=[["甲"], ["乙"]]),
        make_question(topic=topic, qtype=QuestionType.TRUE_FALSE),
    ]
    other = make_question(topic=topic)
    contest = make_contest(owner_org=tree.city, fixed=[(r, "1") for r in revs])
    attempt, _ = attempt_start(user=tree.student_a, contest_id=contest.pk)
    return {
        "tree": tree,
        "attempt": attempt,
        "revs": revs,
        "other": other,
        "token": token_issue(user=tree.student_a),
        "token_b": token_issue(user=tree.student_b),
    }


async def test_fast_path_saves_durably_and_resaves_idempotently(setup):
    app = AnswerFastPath(inner_app)
    a, revs = setup["attempt"], setup["revs"]
    try:
        for _ in range(2):
            status, body = await put(
                app, f"/api/v1/attempts/{a.pk}/answers/{revs[1].pk}", {"answer": ["甲", "丙"]}, setup["token"]
            )
            assert status == 200 and body["saved"] is True and body["remaining_s"] > 0
        status, _ = await put(app, f"/api/v1/attempts/{a.pk}/answers/{revs[2].pk}", {"answer": False}, setup["token"])
        assert status == 200
    finally:
        await app.close()
    saved = await sync_to_async(
        lambda: dict(AttemptItem.objects.filter(attempt=a).values_list("revision_id", "answer"))
    )()
    assert saved == {revs[0].pk: None, revs[1].pk: ["甲", "丙"], revs[2].pk: False}


async def test_fast_path_error_codes_match_the_api(setup):
    app = AnswerFastPath(inner_app)
    a, revs, token = setup["attempt"], setup["revs"], setup["token"]
    base = f"/api/v1/attempts/{a.pk}/answers"
    try:
        assert (await put(app, f"{base}/{revs[0].pk}", {"answer": ["A"]}, "bogus"))[1]["code"] == "unauthorized"
        assert (await put(app, f"{base}/{revs[0].pk}", {"answer": ["A"]}, setup["token_b"]))[1][
            "code"
        ] == "attempt_not_found"
        assert (await put(app, f"{base}/{setup['other'].pk}", {"answer": ["A"]}, token)) == (
            404,
            {"code": "question_not_in_paper", "message": "这道题不在您的试卷中。"},
        )
        status, body = await put(app, f"{base}/{revs[0].pk}", {"answer": ["A", "B"]}, token)
        assert (status, body["code"]) == (422, "malformed_answer")
        status, body = await put(app, f"{base}/{revs[0].pk}", b"{not json", token)
        assert (status, body["code"]) == (400, "invalid_json")
        status, body = await put(app, f"{base}/{revs[0].pk}", {"reply": ["A"]}, token)
        assert (status, body["code"]) == (422, "invalid_request")
        # without a bearer token the request goes to Django (session + CSRF)
        assert (await put(app, f"{base}/{revs[0].pk}", {"answer": ["A"]}))[0] == 299
    finally:
        await app.close()


async def test_fast_path_refuses_after_deadline_and_finalises(setup):
    app = AnswerFastPath(inner_app)
    a, revs, token = setup["attempt"], setup["revs"], setup["token"]
    try:
        status, _ = await put(app, f"/api/v1/attempts/{a.pk}/answers/{revs[0].pk}", {"answer": ["A"]}, token)
        assert status == 200  # warms the attempt cache with the old deadline
        await sync_to_async(
            lambda: Attempt.objects.filter(pk=a.pk).update(deadline=timezone.now() - timedelta(seconds=1))
        )()
        app.attempts.clear()
        status, body = await put(app, f"/api/v1/attempts/{a.pk}/answers/{revs[2].pk}", {"answer": True}, token)
        assert (status, body["code"]) == (409, "deadline_passed")
    finally:
        await app.close()
    attempt = await sync_to_async(Attempt.objects.get)(pk=a.pk)
    assert attempt.state == AttemptState.FINALISED
    assert await sync_to_async(lambda: AttemptItem.objects.get(attempt=a, revision=revs[2]).answer)() is None


async def test_fast_path_refuses_after_submit_even_with_a_warm_cache(setup):
    app = AnswerFastPath(inner_app)
    a, revs, token = setup["attempt"], setup["revs"], setup["token"]
    try:
        assert (await put(app, f"/api/v1/attempts/{a.pk}/answers/{revs[0].pk}", {"answer": ["A"]}, token))[0] == 200
        await sync_to_async(attempt_submit)(user=setup["tree"].student_a, attempt_id=a.pk)
        status, body = await put(app, f"/api/v1/attempts/{a.pk}/answers/{revs[0].pk}", {"answer": ["B"]}, token)
        assert (status, body["code"]) == (409, "attempt_finished")
    finally:
        await app.close()
    assert await sync_to_async(lambda: AttemptItem.objects.get(attempt=a, revision=revs[0]).answer)() == ["A"]
