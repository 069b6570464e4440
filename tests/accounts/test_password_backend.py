"""A password sign-in hashes on a few low-priority threads, with the request's database connection given
back to the pool meanwhile, so a login burst at the bell cannot starve students already signed in."""

import os
import sys
import threading

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection, connections
from django.test import RequestFactory
from django.urls import reverse

from accounts import backends
from accounts.models import User
from core.errors import ServerBusy
from tests.factories import DEFAULT_PASSWORD, Tree

LOGIN = reverse("accounts:login")


def _sign_in(username: str, password: str):
    return authenticate(RequestFactory().post(LOGIN), username=username, password=password)


@pytest.fixture
def hash_calls(monkeypatch):
    """Each hash the sign-in runs: (thread name, its nice value, the signing-in thread's connection open?)."""
    calls = []
    signing_in_connection = {}
    real_verify, real_make = backends.verify_password, backends.make_password

    def observe():
        request_connection = signing_in_connection.get("it")
        calls.append(
            (
                threading.current_thread().name,
                os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) if sys.platform == "linux" else None,
                request_connection is not None and request_connection.connection is not None,
            )
        )

    def verify(*args, **kwargs):
        observe()
        return real_verify(*args, **kwargs)

    def make(*args, **kwargs):
        if threading.current_thread().name.startswith("password-hash"):
            observe()
        return real_make(*args, **kwargs)

    real_authenticate = backends.PasswordBackend.authenticate

    def remember_connection(self, *args, **kwargs):
        signing_in_connection["it"] = connections["default"]  # this thread's, not the proxy
        return real_authenticate(self, *args, **kwargs)

    monkeypatch.setattr(backends, "verify_password", verify)
    monkeypatch.setattr(backends, "make_password", make)
    monkeypatch.setattr(backends.PasswordBackend, "authenticate", remember_connection)
    return calls


@pytest.mark.django_db
def test_a_sign_in_hashes_once_on_a_low_priority_hash_thread(client, hash_calls):
    tree = Tree()
    response = client.post(LOGIN, {"username": tree.student_a.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == tree.student_a.pk
    [(thread, niceness, _)] = hash_calls
    assert thread.startswith("password-hash")
    assert thread != threading.current_thread().name
    if sys.platform == "linux":
        assert niceness >= backends.HASH_NICENESS


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["stu_a", "nobody"])
def test_a_refused_sign_in_hashes_exactly_once(client, hash_calls, username):
    # once: ModelBackend, listed after for old sessions, must not hash the same password again
    Tree()
    response = client.post(LOGIN, {"username": username, "password": "wrong-password-1"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert len(hash_calls) == 1


@pytest.mark.django_db
def test_an_inactive_account_is_refused(hash_calls):
    tree = Tree()
    User.objects.filter(pk=tree.student_a.pk).update(is_active=False)
    assert _sign_in("stu_a", DEFAULT_PASSWORD) is None
    assert len(hash_calls) == 1


@pytest.mark.django_db
def test_an_outdated_hash_is_upgraded_after_the_check(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    tree = Tree()
    weak = PBKDF2PasswordHasher()
    weak.iterations = 1_000
    User.objects.filter(pk=tree.student_a.pk).update(password=weak.encode(DEFAULT_PASSWORD, weak.salt()))
    assert _sign_in("stu_a", DEFAULT_PASSWORD) == tree.student_a
    stored = User.objects.get(pk=tree.student_a.pk).password
    assert stored.startswith(f"pbkdf2_sha256${PBKDF2PasswordHasher.iterations}$")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_pooled_connection_is_given_back_while_the_hash_runs(hash_calls):
    tree = Tree()
    assert connection.settings_dict["OPTIONS"].get("pool")
    assert _sign_in("stu_a", DEFAULT_PASSWORD) == tree.student_a
    [(_, _, connection_held)] = hash_calls
    assert not connection_held


@pytest.mark.postgres
@pytest.mark.django_db
def test_inside_a_transaction_the_connection_is_kept(hash_calls):
    tree = Tree()
    assert _sign_in("stu_a", DEFAULT_PASSWORD) == tree.student_a
    [(_, _, connection_held)] = hash_calls
    assert connection_held


@pytest.mark.django_db
def test_a_sign_in_past_the_hash_queue_is_told_to_retry(client, monkeypatch):
    tree = Tree()
    monkeypatch.setattr(backends, "MAX_QUEUED_CHECKS", 0)
    response = client.post(LOGIN, {"username": tree.student_a.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "服务器繁忙" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_api_sign_in_past_the_hash_queue_answers_503_json(client, monkeypatch):
    tree = Tree()
    monkeypatch.setattr(backends, "MAX_QUEUED_CHECKS", 0)
    response = client.post(
        "/api/v1/auth/token",
        {"username": tree.student_a.username, "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {"code": "server_busy", "message": "服务器繁忙，请稍后重试。"}


@pytest.mark.django_db
def test_the_queue_counts_checks_in_progress_and_frees_them(monkeypatch):
    Tree()
    monkeypatch.setattr(backends, "MAX_QUEUED_CHECKS", 1)
    inside = threading.Event()
    release = threading.Event()
    real_verify = backends.verify_password

    def slow_verify(*args, **kwargs):
        inside.set()
        release.wait(10)
        return real_verify(*args, **kwargs)

    monkeypatch.setattr(backends, "verify_password", slow_verify)
    first = threading.Thread(target=backends._hash, args=(backends._verify, DEFAULT_PASSWORD, "md5$x$y"))
    first.start()
    assert inside.wait(10)
    with pytest.raises(ServerBusy):  # one check in progress fills a queue of one
        _sign_in("stu_a", DEFAULT_PASSWORD)
    release.set()
    first.join(10)
    assert _sign_in("stu_a", DEFAULT_PASSWORD) is not None  # and its end frees the place
