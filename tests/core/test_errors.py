"""The one error model: any app's AppError becomes {"code","message"} in the API and a Chinese page."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from core.errors import AppError, NotFound
from core.spreadsheet import safe_cell, unescape_cell
from quizsite.api import api
from quizsite.middleware import AppErrorMiddleware


class _QuotaFull(AppError):
    code, status, default_message = "quota_full", 409, "名额已满。"


def test_api_renders_any_app_error_as_code_and_message():
    request = RequestFactory().get("/api/v1/x")
    handler = api._lookup_exception_handler(_QuotaFull())
    response = handler(request, _QuotaFull())
    assert response.status_code == 409
    assert json.loads(response.content) == {"code": "quota_full", "message": "名额已满。"}


@pytest.mark.django_db
def test_page_view_raising_app_error_gets_chinese_page_with_its_status(client):
    middleware = AppErrorMiddleware(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    response = middleware.process_exception(request, NotFound("找不到这个活动。"))
    assert response.status_code == 404
    assert "找不到这个活动。" in response.content.decode()
    assert middleware.process_exception(request, ValueError("bug")) is None


@pytest.mark.parametrize("text", ["=1+1", "+cmd", "-2", "@SUM(A1)", "\t=x", "＝HYPERLINK()"])
def test_formula_like_text_is_escaped_and_round_trips(text):
    assert safe_cell(text) == "'" + text
    assert unescape_cell(safe_cell(text)) == text


def test_plain_values_are_untouched():
    assert safe_cell("张小明") == "张小明"
    assert safe_cell(42) == 42
    assert safe_cell("'quoted") == "'quoted"
