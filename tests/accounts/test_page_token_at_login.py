"""A student's page token comes with the login (whose session write carries it), so the contest paper
opened at the bell only checks it: no token insert, no session write. The token keeps its rules: it dies
at logout, and a password change (which revokes every token) gets the page a fresh one."""

import hashlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ApiToken
from accounts.tokens import PAGE_TOKEN_SESSION_KEY
from tests.competitions.factories import make_contest, make_question, make_topic
from tests.factories import DEFAULT_PASSWORD, Tree

pytestmark = pytest.mark.django_db


def _log_in(client, username: str):
    response = client.post(reverse("accounts:login"), {"username": username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def _contest(tree):
    return make_contest(owner_org=tree.city, fixed=[(make_question(topic=make_topic()), "100")])


def test_student_login_carries_the_page_token_and_the_paper_page_writes_nothing(client):
    tree = Tree()
    contest = _contest(tree)
    _log_in(client, "stu_a")
    raw = client.session[PAGE_TOKEN_SESSION_KEY]
    assert ApiToken.objects.filter(user=tree.student_a).count() == 1
    paper_url = client.post(f"/contests/{contest.pk}/start/").url
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(paper_url)
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert len(ctx.captured_queries) <= 6  # session, user, attempt+contest, items, token check, roles
    assert re.search(r'data-token="([^"]+)"', page.content.decode()).group(1) == raw
    attempt_id = paper_url.rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"/api/v1/attempts/{attempt_id}", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    client.post("/accounts/logout/")
    assert not ApiToken.objects.filter(user=tree.student_a).exists()


def test_staff_and_students_who_must_change_their_password_get_no_token_at_login(client):
    # the forced change gives the student one (test_first_login_change_carries_the_page_token)
    tree = Tree()
    _log_in(client, "tea_a")
    assert PAGE_TOKEN_SESSION_KEY not in client.session
    tree.student_b.must_change_password = True
    tree.student_b.save(update_fields=["must_change_password"])
    other = client.__class__()
    _log_in(other, "stu_b")
    assert PAGE_TOKEN_SESSION_KEY not in other.session
    assert not ApiToken.objects.exists()


def test_after_a_password_change_the_paper_page_carries_a_fresh_valid_token(client):
    tree = Tree()
    contest = _contest(tree)
    _log_in(client, "stu_a")
    old = client.session[PAGE_TOKEN_SESSION_KEY]
    changed = client.post(
        reverse("accounts:password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": "Another@2026x", "new_password2": "Another@2026x"},
    )
    assert changed.status_code == 302  # the session stays; the change revoked every token and issued one
    new = client.session[PAGE_TOKEN_SESSION_KEY]
    assert new != old and list(ApiToken.objects.filter(user=tree.student_a).values_list("key_hash", flat=True)) == [
        hashlib.sha256(new.encode()).hexdigest()
    ]
    paper = client.get(client.post(f"/contests/{contest.pk}/start/").url).content.decode()
    assert re.search(r'data-token="([^"]+)"', paper).group(1) == new
    assert client.get("/api/v1/contests", HTTP_AUTHORIZATION=f"Bearer {new}").status_code == 200


def test_first_login_change_carries_the_page_token(client):
    tree = Tree()
    tree.student_b.must_change_password = True
    tree.student_b.save(update_fields=["must_change_password"])
    _log_in(client, "stu_b")
    assert PAGE_TOKEN_SESSION_KEY not in client.session
    changed = client.post(
        reverse("accounts:password_change"), {"new_password1": "Another@2026x", "new_password2": "Another@2026x"}
    )
    assert changed.status_code == 302
    raw = client.session[PAGE_TOKEN_SESSION_KEY]
    assert client.get("/api/v1/contests", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
