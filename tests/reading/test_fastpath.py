"""The raw-ASGI progress path must give exactly what the service gives (same rule, same JSON, same codes)."""

import json
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from accounts.tokens import token_issue
from reading import services
from reading.fastpath import ProgressFastPath
from reading.models import Progress
from tests.factories import Tree, make_student

from .factories import NOW, make_reading

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
async def _close_thread_connections():
    yield
    await sync_to_async(connections.close_all)()


async def django_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 299, "headers": []})
    await send({"type": "http.response.body", "body": b"django"})


async def post(app, reading_id, body, token=None, *, now=None):
    messages = [{"type": "http.request", "body": json.dumps(body).encode(), "more_body": False}]

    async def receive():
        return messages.pop(0)

    status, raw = await app.handle_progress(token=token, reading_id=reading_id, receive=receive, now=now)
    return status, json.loads(raw)


@pytest.fixture
def setup():
    tree = Tree()
    twin = make_student(tree.class_a, username="twin")
    reading = make_reading(tree.city, minutes=1)
    return tree, twin, reading


SAVES = [  # (seconds after the previous save, position, claimed engaged seconds)
    (0, 0.1, 10),
    (15, 0.3, 15),
    (3, 0.35, 15),  # faster than the clock
    (3600, 0.5, 3600),  # a page left open, then one save
    (15, 0.9, 15),
    (15, 0.7, 14.9),
    (0.4, 0.8, 0.5),
    (15, 1.0, 15),
]


async def test_fast_path_applies_the_services_rules_field_for_field(setup):
    tree, twin, reading = setup
    app = ProgressFastPath(django_app)
    token = await sync_to_async(token_issue)(user=twin)
    at = NOW
    for i, (gap, position, claimed) in enumerate(SAVES):
        at = at + timedelta(seconds=gap)
        expected = await sync_to_async(services.progress_save)(
            user=tree.student_a, reading_id=reading.pk, position=position, engaged_s=claimed, now=at
        )
        if i == 0:  # the first save is the service's own (it creates the row)
            await sync_to_async(services.progress_save)(
                user=twin, reading_id=reading.pk, position=position, engaged_s=claimed, now=at
            )
            continue
        status, body = await post(app, reading.pk, {"position": position, "engaged_s": claimed}, token, now=at)
        assert status == 200
        assert body["engaged_s"] == expected.engaged_s, (i, body, expected.engaged_s)
        assert body["max_position"] == expected.max_position and body["position"] == expected.position
        assert body["read"] is (expected.read_at is not None)
    mine = await sync_to_async(Progress.objects.get)(user=tree.student_a)
    fast = await sync_to_async(Progress.objects.get)(user=twin)
    for field in ("position", "max_position", "engaged_s", "saves", "last_saved_at", "read_at"):
        assert getattr(fast, field) == getattr(mine, field), field
    assert fast.read_at is not None


async def test_first_save_and_errors_take_the_service_path(setup):
    tree, twin, reading = setup
    app = ProgressFastPath(django_app)
    token = await sync_to_async(token_issue)(user=tree.student_a)
    status, body = await post(app, reading.pk, {"position": 0.2, "engaged_s": 5}, token)
    assert status == 200 and body["engaged_s"] == 5
    assert (await post(app, reading.pk, {"position": 2, "engaged_s": 5}, token))[1]["code"] == "bad_progress"
    assert (await post(app, reading.pk, {"position": 0.2}, token))[0] == 422
    assert (await post(app, reading.pk, {"position": 0.2, "engaged_s": 1}, "nope"))[0] == 401
    other = await sync_to_async(make_reading)(tree.district_b, title="海安篇")
    status, body = await post(app, other.pk, {"position": 0.2, "engaged_s": 1}, token)
    assert (status, body["code"]) == (404, "reading_not_found")


async def test_the_asgi_application_serves_progress_through_the_fast_path():
    from quizsite.asgi import application

    assert isinstance(application.application_mapping["http"], ProgressFastPath)


async def test_session_requests_go_to_django(setup):
    app = ProgressFastPath(django_app)
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": f"/api/v1/readings/{setup[2].pk}/progress", "headers": []}
    await app(scope, receive, send)
    assert sent[0]["status"] == 299
