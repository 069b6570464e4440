"""Content-Security-Policy: every page carries a policy that allows only our own scripts, and no template
needs inline script (no <script> blocks other than JSON data, no on*="…" handlers)."""

import re

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def test_pages_and_error_pages_carry_a_policy_without_inline_script(client):
    for path in ("/accounts/login/", "/verify/", "/no-such-page/"):
        response = client.get(path, secure=True)
        policy = _directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], path
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["style-src"] == ["'self'"]  # <style> elements and foreign sheets stay blocked
        assert "'unsafe-inline'" in policy["style-src-attr"]  # data-driven style="width: …%" attributes
        assert policy["connect-src"] == ["'self'", "wss://testserver"]


def test_file_downloads_keep_their_own_stricter_policy(rf):
    from django.http import HttpResponse

    from quizsite.middleware import ContentSecurityPolicyMiddleware

    def download(request):
        response = HttpResponse(b"x")
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    response = ContentSecurityPolicyMiddleware(download)(rf.get("/judging/x/file"))
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_no_template_needs_inline_script_or_style_elements():
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")) + sorted(ROOT.glob("*/templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        for match in INLINE_HANDLER.finditer(text):
            offenders.append(f"{path.relative_to(ROOT)}: inline handler {match.group(0)[-40:]!r}")
        for match in SCRIPT_TAG.finditer(text):
            attrs = match.group(1)
            if "src=" not in attrs and 'type="application/json"' not in attrs:
                offenders.append(f"{path.relative_to(ROOT)}: inline <script{attrs}>")
        if re.search(r"<style\b", text, re.IGNORECASE):
            offenders.append(f"{path.relative_to(ROOT)}: <style> element (put it in static/css)")
    assert not offenders, offenders
