"""When the database pool stays empty for its whole timeout (an overloaded server), pages and the API answer
503 with Retry-After and a Chinese message, which phones retry, instead of a 500."""

import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from psycopg_pool import PoolTimeout

from core.errors import is_overload
from quizsite import api as api_module
from quizsite.middleware import AppErrorMiddleware


def _pool_exhausted() -> OperationalError:
    try:
        try:
            raise PoolTimeout("couldn't get a connection after 10.00 sec")
        except PoolTimeout as cause:
            raise OperationalError("couldn't get a connection after 10.00 sec") from cause
    except OperationalError as exc:
        return exc


def test_only_an_exhausted_pool_counts_as_overload():
    assert is_overload(_pool_exhausted())
    assert not is_overload(OperationalError("server closed the connection unexpectedly"))


@pytest.mark.django_db
def test_a_page_answers_503_with_retry_after():
    request = RequestFactory().get("/contests/6/")
    response = AppErrorMiddleware(lambda r: None).process_exception(request, _pool_exhausted())
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "服务器繁忙" in response.content.decode()


def test_the_api_answers_503_json():
    request = RequestFactory().put("/api/v1/attempts/1/answers/2")
    response = api_module._database_error(request, _pool_exhausted())
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert json.loads(response.content) == {"code": "server_busy", "message": "服务器繁忙，请稍后重试。"}


def test_other_database_errors_stay_errors():
    request = RequestFactory().get("/api/v1/readings")
    with pytest.raises(OperationalError):
        api_module._database_error(request, OperationalError("disk full"))
    assert AppErrorMiddleware(lambda r: None).process_exception(request, OperationalError("disk full")) is None


def _exhausted(*args, **kwargs):
    raise _pool_exhausted()


@pytest.fixture
def signed_in_client(db):
    from django.test import Client

    from tests.factories import Tree

    client = Client(raise_request_exception=False)
    client.force_login(Tree().student_a)
    return client


def test_a_page_whose_session_cannot_be_read_answers_503_not_500(signed_in_client, monkeypatch):
    # the session is read by a middleware (request.user), before any view and its process_exception
    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", _exhausted)
    response = signed_in_client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "服务器繁忙" in response.content.decode()


def test_a_page_whose_session_cannot_be_saved_answers_503_not_500(signed_in_client, monkeypatch, settings):
    # the session is saved on the way out, after the view has answered
    settings.SESSION_SAVE_EVERY_REQUEST = True
    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.save", _exhausted)
    response = signed_in_client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_an_api_request_failing_in_a_middleware_answers_503_json(signed_in_client, monkeypatch):
    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", _exhausted)
    response = signed_in_client.get("/api/v1/readings")
    assert response.status_code == 503
    assert json.loads(response.content) == {"code": "server_busy", "message": "服务器繁忙，请稍后重试。"}


def test_other_errors_outside_views_stay_500_and_the_error_page_itself_needs_no_session(signed_in_client, monkeypatch):
    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", lambda self: 1 / 0)
    assert signed_in_client.get("/").status_code == 500
