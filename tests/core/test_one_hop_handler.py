"""Pages served through the project's ASGI handler run every middleware and the view in one thread hop per
request (quizsite/handlers.py), with the same answers as Django's stock handler."""

import asgiref.sync
import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator
from django.core.handlers.asgi import ASGIHandler
from django.test import Client

from quizsite.handlers import OneHopASGIHandler
from tests.factories import Tree

pytestmark = pytest.mark.django_db(transaction=True)


def _request(app, path: str, *, method: str = "GET", cookie: str = "", body: bytes = b"", extra=()) -> dict:
    headers = [(b"host", b"testserver"), (b"cookie", cookie.encode()), *extra]
    return async_to_sync(HttpCommunicator(app, method, path, body=body, headers=headers).get_response)(timeout=10)


def _signed_in_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())


def test_a_signed_in_page_passes_every_middleware_and_shows_the_student():
    tree = Tree()
    response = _request(OneHopASGIHandler(), "/", cookie=_signed_in_cookie(tree.student_a))

    assert response["status"] == 200
    headers = {k.decode().lower(): v.decode() for k, v in response["headers"]}
    assert "content-security-policy" in headers and headers["x-frame-options"] == "DENY"
    assert "张小明" in response["body"].decode()


def test_a_form_post_without_its_csrf_token_is_refused():
    Tree()
    response = _request(
        OneHopASGIHandler(),
        "/accounts/login/",
        method="POST",
        body=b"username=stu_a&password=x",
        extra=[(b"content-type", b"application/x-www-form-urlencoded")],
    )
    assert response["status"] == 403


def test_the_chain_and_the_view_take_one_thread_hop(monkeypatch):
    tree = Tree()
    cookie = _signed_in_cookie(tree.student_a)
    handoffs = []
    to_thread, to_loop = asgiref.sync.SyncToAsync.__call__, asgiref.sync.AsyncToSync.__call__

    async def counting_to_thread(self, *args, **kwargs):
        handoffs.append("to a thread")
        return await to_thread(self, *args, **kwargs)

    def counting_to_loop(self, *args, **kwargs):
        handoffs.append("to the loop")
        return to_loop(self, *args, **kwargs)

    monkeypatch.setattr(asgiref.sync.SyncToAsync, "__call__", counting_to_thread)
    monkeypatch.setattr(asgiref.sync.AsyncToSync, "__call__", counting_to_loop)
    counted = {}
    for name, app in (("stock", ASGIHandler()), ("one hop", OneHopASGIHandler())):
        handoffs.clear()
        assert _request(app, "/", cookie=cookie)["status"] == 200
        counted[name] = list(handoffs)

    # this test's own call into the loop; the request_started receivers; the chain with the view; close
    assert counted["one hop"] == ["to the loop", "to a thread", "to a thread", "to a thread"]
    assert len(counted["stock"]) > len(counted["one hop"]), counted["stock"]
