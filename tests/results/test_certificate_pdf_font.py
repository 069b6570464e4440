"""Certificate PDFs carry their own font (a subset of a CJK TrueType font), so any viewer shows the text,
including names outside GB2312; QR/verify links follow SITE_URL or, unset in development, the request."""

import io
import re

import pypdf
import pytest
from django.test import RequestFactory
from django.urls import reverse

from results.pdf import certificate_pdf, verification_url
from results.services import certificate_issue
from tests.factories import Tree, make_student

from .factories import make_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert():
    tree = Tree()
    holder = make_student(tree.class_a, real_name="𠮷田䶮")
    template = make_template(target=tree.city, org=tree.city, issuer="南通市关心下一代工作委员会")
    return certificate_issue(template=template, holder=holder, award_text="一等奖")


def _fonts(reader):
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    return fonts


def test_the_pdf_embeds_a_subset_of_a_cjk_font_and_rare_names_survive(cert, settings):
    settings.SITE_URL = "https://contest.example.cn"
    data = certificate_pdf(cert)
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "𠮷田䶮" in text and "一等奖" in text and "南通市关心下一代工作委员会" in text
    fonts = _fonts(reader)
    cjk = [f for name, f in fonts.items() if "HanaMin" in name]
    assert cjk, fonts.keys()
    for font in cjk:
        # a subset: the name carries reportlab's subset tag, and a font program is embedded
        assert re.match(r"^/?[A-Z]{6}\+", str(font["/BaseFont"])) or "SUBSET" in str(font["/BaseFont"]).upper()
        descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object()
    # nothing relies on a viewer-supplied Adobe CJK font any more
    assert not any("STSong" in name for name in fonts)
    assert len(data) < 200_000  # a subset, not the 22 MB font


def test_verify_links_use_site_url_when_set(cert, settings):
    settings.SITE_URL = "https://contest.example.cn/"
    assert verification_url(cert.code) == f"https://contest.example.cn/verify/{cert.code}/"


def test_without_site_url_the_link_follows_the_host_of_the_request(cert, settings):
    settings.SITE_URL = ""
    request = RequestFactory().get("/", HTTP_HOST="192.168.1.20:8000")
    assert verification_url(cert.code, request) == f"http://192.168.1.20:8000/verify/{cert.code}/"
    data = certificate_pdf(cert, request)
    assert f"http://192.168.1.20:8000/verify/{cert.code}/" in "".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages
    )


def test_verification_page_shows_issuer_and_date(client, cert):
    html = client.get(reverse("verify:certificate", args=[cert.code])).content.decode()
    assert "南通市关心下一代工作委员会" in html and "2026年12月1日" in html
    assert "𠮷田䶮" not in html  # still masked
