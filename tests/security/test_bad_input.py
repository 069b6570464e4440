"""Hostile or broken input gets a clear 4xx (or, for free text people type, is cleaned), never a 500 and
never a half-write: NUL and lone surrogates (which PostgreSQL cannot store), deeply nested JSON,
oversized bodies, and ids outside the database's range anywhere in a URL."""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from accounts.tokens import token_issue
from competitions.models import AttemptItem
from competitions.services import attempt_start
from judging.models import Assignment, EntryVersion, Score
from questionbank.models import QuestionType
from tests.competitions.factories import make_contest, make_question, make_topic
from tests.factories import Tree, UserFactory
from tests.judging.factories import World
from tests.judging.factories import make_contest as make_essay_contest

pytestmark = pytest.mark.django_db

NUL_ANSWER = '{"answer": ["甲\\u0000", "乙"]}'
SURROGATE_ANSWER = '{"answer": ["\\ud83d", "乙"]}'
DEEP = "[" * 60_000


@pytest.fixture
def paper():
    tree = Tree()
    topic = make_topic()
    blank = make_question(topic=topic, qtype=QuestionType.FILL_BLANK, answer=[["甲"], ["乙"]])
    contest = make_contest(owner_org=tree.city, fixed=[(blank, "1")])
    attempt, _ = attempt_start(user=tree.student_a, contest_id=contest.pk)
    return {"tree": tree, "attempt": attempt, "blank": blank, "token": token_issue(user=tree.student_a)}


def _put_answer(client, paper, raw: str):
    url = f"/api/v1/attempts/{paper['attempt'].pk}/answers/{paper['blank'].pk}"
    return client.put(url, raw, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {paper['token']}")


@pytest.mark.parametrize(
    ("raw", "code"),
    [(NUL_ANSWER, "invalid_characters"), (SURROGATE_ANSWER, "invalid_characters"), (DEEP, "invalid_json")],
    ids=["nul", "lone-surrogate", "deep-nesting"],
)
def test_api_answer_with_unstorable_or_deep_json_is_a_clear_400_and_saves_nothing(client, paper, raw, code):
    response = _put_answer(client, paper, raw)
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["message"]
    assert AttemptItem.objects.get(attempt=paper["attempt"]).answer is None


def test_a_valid_answer_still_saves(client, paper):
    assert _put_answer(client, paper, '{"answer": ["甲", "乙"]}').status_code == 200


def test_oversized_api_body_is_413_in_the_api_error_shape(client, paper, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    response = _put_answer(client, paper, json.dumps({"answer": ["甲" * 3000, "乙"]}))
    assert response.status_code == 413
    assert response.json() == {"code": "payload_too_large", "message": "请求体过大。"}


# --- free text: essays and judges' comments are cleaned, not refused --------------------------------


@pytest.fixture
def essay(db):
    tree = Tree()
    return tree, make_essay_contest(tree, open_now=True)


def test_essay_autosave_cleans_nul_and_half_emoji_and_keeps_the_text(client, essay):
    tree, contest = essay
    client.force_login(tree.student_a)
    raw = '{"title": "我的\\u0000征文", "body": "第一段\\u0000。笑\\ud83d脸\\ud83d\\ude00"}'
    response = client.post(f"/judging/c/{contest.pk}/autosave/", raw, content_type="application/json")
    assert response.status_code == 200, response.content
    version = EntryVersion.objects.get(entry__author=tree.student_a)
    assert version.title == "我的征文"
    assert version.body_text == "第一段。笑\ufffd脸\U0001f600"


def test_essay_autosave_with_deeply_nested_json_is_a_400(client, essay):
    tree, contest = essay
    client.force_login(tree.student_a)
    response = client.post(f"/judging/c/{contest.pk}/autosave/", DEEP, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_request"
    assert not EntryVersion.objects.exists()


def test_essay_form_with_nul_saves_the_cleaned_text(client, essay):
    tree, contest = essay
    client.force_login(tree.student_a)
    body = "青春献礼二十大\x00，奋斗强国新征程。" * 30
    response = client.post(
        f"/judging/c/{contest.pk}/entry/", {"title": "征文\x00标题", "body": body, "pledge": "on", "team": ""}
    )
    assert response.status_code in (200, 302)
    version = EntryVersion.objects.get(entry__author=tree.student_a)
    assert version.title == "征文标题" and "\x00" not in version.body_text


@pytest.fixture
def judging_world():
    world = World(schools=2, judges=2, k=1)
    world.open_and_assign()
    return world


def test_judge_comment_with_nul_is_cleaned_on_the_page_and_refused_by_the_api(client, judging_world):
    a = Assignment.objects.filter(round=judging_world.round).select_related("judge").first()
    client.force_login(a.judge)
    response = client.post(f"/judging/a/{a.pk}/", {"comment": "立意\x00鲜明", "action": "save"})
    assert response.status_code == 302
    assert Score.objects.get(assignment=a).comment == "立意鲜明"
    response = client.post(
        f"/api/v1/judging/assignments/{a.pk}/score",
        '{"points": {}, "comment": "\\u0000", "submit": false}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_issue(user=a.judge)}",
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_characters"
    assert Score.objects.get(assignment=a).comment == "立意鲜明"


# --- ids outside the database's range, anywhere ---------------------------------------------------

OUT_OF_RANGE = ["9223372036854775808", "983145916289874255472656121856", "9" * 5000]


def _routes(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern) and isinstance(entry.pattern, RoutePattern) and "<" in route:
            yield route


def _fill(route: str, number: str) -> str | None:
    import re

    params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    if not params or not any(conv in ("int", "") for conv, _ in params):
        return None
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: number if m[1] in ("int", None, "") else "x", route)


def test_every_url_with_an_id_beyond_64_bits_is_a_404(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    urls = {url for route in _routes() for n in OUT_OF_RANGE if (url := _fill(route, n))}
    assert len(urls) > 40  # pages and API alike
    wrong = {}
    for who in (None, admin):
        if who:
            client.force_login(who)
        for url in sorted(urls):
            status = client.get(url).status_code
            if status != 404:
                wrong[url] = status
    assert not wrong, wrong


def test_api_ids_below_the_range_are_a_404(client, paper):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {paper['token']}"}
    for url in ("/api/v1/attempts/-9223372036854775809", "/api/v1/contests/-99999999999999999999/leaderboard"):
        response = client.get(url, **headers)
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_nul_in_a_query_string_is_a_400_on_every_page(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    for url in ("/questions/?q=%00", "/contests/?q=a%00b", "/admin/accounts/user/?q=%00", "/api/v1/contests?x=%00"):
        response = client.get(url)
        assert response.status_code == 400, url
