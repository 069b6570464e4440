"""Walk every page each role can reach from its home page (and the public pages) and find no English sentence
left in the UI: no text node or label (title, aria-label, placeholder, alt) made of two or more ASCII words with
no Chinese in it. Code, ids and numbers are single tokens or sit in <code>/<pre>, so they do not count."""

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
# two words in a row that have lower-case letters: a sentence, not an id (ZW-0001, G665-ARVV) or a format name
WORD = r"[A-Za-z]*[a-z][A-Za-z]*"
ENGLISH = re.compile(WORD + r"[\s,.:;!?'’-]+" + WORD)
SKIP_TAGS = {"script", "style", "code", "pre", "textarea"}
LABEL_ATTRS = ("title", "aria-label", "placeholder", "alt")
SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/accounts/logout/")
SKIP_SUFFIXES = (".xlsx", ".csv", ".pdf", ".zip", ".json", "/download/", "/file/", "/media/")
MAX_PAGES = 80


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.texts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in SKIP_TAGS:
            self.skip += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in LABEL_ATTRS:
            if attrs.get(name):
                self.texts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.texts.append(data.strip())


def english_sentences(html: str) -> tuple[list[str], list[str]]:
    parser = _Text()
    parser.feed(html)
    found = [t for t in parser.texts if ENGLISH.search(t) and not CJK.search(t)]
    return found, parser.links


def crawl(client: Client, start: str, seen: set | None = None) -> dict[str, list[str]]:
    """Breadth-first over same-site links; `seen` collects the pages visited (HTML or not)."""
    seen = set() if seen is None else seen
    queue, problems = [start], {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        found, links = english_sentences(response.content.decode())
        if found:
            problems[url] = found
        for href in links:
            href = urldefrag(href)[0]
            parsed = urlparse(href)
            if parsed.scheme or parsed.netloc or not href.startswith("/"):
                continue
            if href.startswith(SKIP_PREFIXES) or href.split("?")[0].endswith(SKIP_SUFFIXES):
                continue
            if href not in seen:
                queue.append(href)
    return problems


def test_detector_flags_english_and_spares_chinese_code_and_ids():
    html = (
        "<p>This password is too short.</p><p>用户名 stu00001</p><code>assign_auto round_open</code>"
        '<span title="Close dialog">x</span><p>ZW-0001 G665-ARVV-NSJ4</p><p>Moodle XML</p><p>已保存 Excel 文件</p>'
    )
    assert english_sentences(html)[0] == ["This password is too short.", "Close dialog"]


def test_no_english_sentence_on_any_page_for_any_role():
    call_command("seed_demo", students=8, quiet_accounts=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    visited: dict[str, set] = {}
    problems = {"anonymous": crawl(Client(), "/", visited.setdefault("anonymous", set()))}
    for page in ("/accounts/login/", "/verify/"):
        problems["anonymous"].update(crawl(Client(), page, visited["anonymous"]))
    for username in ("admin", "city_org", "district_org", "teacher1", "judge1", "stu00001", "stu00002"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        problems[username] = crawl(client, "/", visited.setdefault(username, set()))
    # the walk really reaches each role's pages, not just the home page
    assert len(visited["city_org"]) >= 30 and len(visited["stu00001"]) >= 8 and len(visited["judge1"]) >= 4
    assert any(u.startswith("/judging/a/") for u in visited["judge1"])  # a scoring page
    assert any(u.startswith("/judging/manage/round/") for u in visited["city_org"])
    assert any(u.startswith("/accounts/classes/") for u in visited["teacher1"])
    problems = {role: pages for role, pages in problems.items() if pages}
    assert problems == {}, "\n".join(
        f"{role} {url}: {found}" for role, pages in problems.items() for url, found in pages.items()
    )
