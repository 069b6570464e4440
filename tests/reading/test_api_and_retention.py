"""The reading API contract, OpenAPI, and retention."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from reading import services
from reading.models import DistressFlag, Progress, QuizAttempt, Reflection
from tests.factories import Tree

from .factories import add_phrases, make_counsellor, make_reading, right_answers

pytestmark = pytest.mark.django_db


def this_month(owner, **kw):
    return make_reading(owner, month=timezone.localdate().replace(day=1), **kw)


def token(client, user) -> dict:
    r = client.post("/api/v1/auth/token", {"username": user.username, "password": "Passw0rd!2026"}, "application/json")
    return {"HTTP_AUTHORIZATION": f"Bearer {r.json()['token']}"}


def test_list_and_progress_contract(client):
    tree = Tree()
    reading = this_month(tree.city, minutes=1)
    auth = token(client, tree.student_a)
    rows = client.get("/api/v1/readings", **auth).json()
    assert [r["id"] for r in rows] == [reading.pk] and rows[0]["state"] == "unread"
    r = client.post(
        f"/api/v1/readings/{reading.pk}/progress", {"position": 0.5, "engaged_s": 12}, "application/json", **auth
    )
    assert r.status_code == 200
    assert r.json() == {"position": 0.5, "max_position": 0.5, "engaged_s": 12, "read": False, "read_at": None}
    detail = client.get(f"/api/v1/readings/{reading.pk}", **auth).json()
    assert detail["state"] == "reading" and detail["questions"] == [] and "少年心向党" in detail["body"]


def test_bad_progress_is_a_json_400_and_wrong_reading_404(client):
    tree = Tree()
    reading = this_month(tree.city)
    auth = token(client, tree.student_a)
    r = client.post(
        f"/api/v1/readings/{reading.pk}/progress", {"position": 3, "engaged_s": 1}, "application/json", **auth
    )
    assert r.status_code == 400 and r.json()["code"] == "bad_progress"
    other = this_month(tree.district_b, title="海安篇")
    r = client.post(
        f"/api/v1/readings/{other.pk}/progress", {"position": 0, "engaged_s": 1}, "application/json", **auth
    )
    assert r.status_code == 404 and r.json()["code"] == "reading_not_found"
    r = client.post(f"/api/v1/readings/{reading.pk}/progress", {"position": 0}, "application/json", **auth)
    assert r.status_code == 422
    assert client.get("/api/v1/readings").status_code == 401
    assert not Progress.objects.exists()


def test_quiz_over_the_api_returns_review_without_key_before_reading(client):
    tree = Tree()
    reading = this_month(tree.city, minutes=1)
    auth = token(client, tree.student_a)
    r = client.post(f"/api/v1/readings/{reading.pk}/quiz", {"answers": {}}, "application/json", **auth)
    assert r.status_code == 409 and r.json()["code"] == "quiz_not_open"
    now = timezone.now() - timedelta(minutes=5)
    for i in range(6):
        services.progress_save(
            user=tree.student_a, reading_id=reading.pk, position=1, engaged_s=15, now=now + timedelta(seconds=15 * i)
        )
    detail = client.get(f"/api/v1/readings/{reading.pk}", **auth).json()
    assert len(detail["questions"]) == 4 and all("answer" not in q for q in detail["questions"])
    r = client.post(
        f"/api/v1/readings/{reading.pk}/quiz", {"answers": right_answers(reading)}, "application/json", **auth
    )
    body = r.json()
    assert (body["percent"], body["passed"], body["completed"]) == (100, True, True)
    assert body["review"][0]["explanation"] == "因为这是正确答案。"


def test_reflection_over_the_api_returns_help_line_only_when_concerning(client):
    add_phrases()
    tree = Tree()
    reading = this_month(tree.city)
    auth = token(client, tree.student_a)
    url = f"/api/v1/readings/{reading.pk}/reflection"
    r = client.post(url, {"text": "很受启发", "share_consent": True}, "application/json", **auth)
    assert r.json() == {"saved": True, "share_consent": True, "help_line": None}
    r = client.post(url, {"text": "我真的不想活了"}, "application/json", **auth)
    assert "12356" in r.json()["help_line"] and r.json()["share_consent"] is False


def test_openapi_documents_the_reading_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for p in (
        "/api/v1/readings",
        "/api/v1/readings/{reading_id}",
        "/api/v1/readings/{reading_id}/progress",
        "/api/v1/readings/{reading_id}/quiz",
        "/api/v1/readings/{reading_id}/reflection",
    ):
        assert p in paths
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["ProgressIn"]
    assert set(schema["properties"]) == {"position", "engaged_s"}


def test_purge_deletes_private_data_older_than_the_retention(settings):
    settings.READING_RETENTION_DAYS = 365
    add_phrases()
    tree = Tree()
    old = timezone.now() - timedelta(days=400)
    reading = make_reading(tree.city, month=timezone.localtime(old).date().replace(day=1), minutes=1)
    services.reflection_save(user=tree.student_a, reading_id=reading.pk, text="被欺负", share_consent=False, now=old)
    services.reflection_save(user=tree.student_b, reading_id=reading.pk, text="被欺负", share_consent=False)
    counsellor = make_counsellor(tree.school_a)
    services.flag_update(
        actor=counsellor,
        flag_id=DistressFlag.objects.get(student=tree.student_a).pk,
        state="closed",
        note="结案",
        now=old,
    )
    call_command("reading_purge")
    assert list(Reflection.objects.values_list("user", flat=True)) == [tree.student_b.pk]
    assert list(DistressFlag.objects.values_list("student", flat=True)) == [tree.student_b.pk]
    assert not QuizAttempt.objects.filter(created_at__lt=timezone.now() - timedelta(days=365)).exists()


def test_purge_task_uses_the_same_service(settings):
    from reading.tasks import purge_expired_reading_data

    tree = Tree()
    old = timezone.now() - timedelta(days=500)
    reading = make_reading(tree.city, month=timezone.localtime(old).date().replace(day=1))
    services.reflection_save(
        user=tree.student_a,
        reading_id=reading.pk,
        text="旧心得",
        share_consent=False,
        now=old,
    )
    assert purge_expired_reading_data.call()["reflections"] == 1
