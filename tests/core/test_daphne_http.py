"""Daphne's requests skip Twisted's form parsing: the raw body still reaches the app, and Twisted's
email-based Content-Type and multipart parsers are never run in the reactor."""

import gc
from types import SimpleNamespace

import pytest

pytest.importorskip("daphne")

from daphne.http_protocol import HTTPFactory, WebRequest  # noqa: E402
from twisted.web import http  # noqa: E402
from twisted.web.test.requesthelper import DummyChannel  # noqa: E402

from core.daphne_http import skip_form_parsing, skip_twisted_request_log  # noqa: E402

BODY = b'--x\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nhello\r\n--x--\r\n'


def _received(request_class, monkeypatch):
    parsed = []
    monkeypatch.setattr(http, "_parseContentType", lambda line: parsed.append(line) or b"multipart/form-data")
    channel = DummyChannel()
    channel.factory = SimpleNamespace(server=SimpleNamespace(protocol_connected=lambda protocol: None))
    request = request_class(channel)
    monkeypatch.setattr(request, "process", lambda: None)
    request.requestHeaders.setRawHeaders(b"content-type", [b"multipart/form-data; boundary=x"])
    request.gotLength(len(BODY))
    request.handleContentChunk(BODY)
    request.requestReceived(b"POST", b"/judging/upload/", b"HTTP/1.1")
    request.content.seek(0)
    return parsed, request.content.read()


def test_twisted_alone_parses_every_form_post(monkeypatch):
    parsed, body = _received(http.Request, monkeypatch)
    assert parsed and body == BODY


def test_daphne_requests_hand_the_raw_body_on_without_parsing_it(monkeypatch):
    assert skip_form_parsing()
    assert skip_form_parsing()  # idempotent: the second call does not wrap twice
    parsed, body = _received(WebRequest, monkeypatch)
    assert parsed == []
    assert body == BODY


def test_the_asgi_module_applies_it():
    import quizsite.asgi  # noqa: F401

    assert getattr(WebRequest, "_quizsite_skips_form_parsing", False)
    assert getattr(HTTPFactory, "_quizsite_skips_request_log", False)
    assert gc.get_freeze_count() > 0  # startup objects are out of the collector's full walks


def test_daphne_no_longer_formats_a_twisted_log_line_per_request():
    lines = []
    factory = HTTPFactory(SimpleNamespace())
    factory._logFile = SimpleNamespace(write=lines.append)
    request = http.Request(DummyChannel())
    request.method, request.uri, request.clientproto, request.code, request.sentLength = (
        b"GET",
        b"/",
        b"HTTP/1.1",
        200,
        0,
    )
    http.HTTPFactory.log(factory, request)
    assert len(lines) == 1  # what Twisted does on its own
    lines.clear()
    assert skip_twisted_request_log()
    assert skip_twisted_request_log()  # idempotent
    factory.log(request)
    assert lines == []
