"""One access rule for every board reader: the JSON API, the board page and the WebSocket give each role
the same answer (a city-level teacher used to get 404 from the API but a public board over the socket)."""

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from accounts.tokens import token_issue
from tests.factories import Tree, make_teacher
from tests.leaderboards.factories import finish_attempt, make_contest
from tests.leaderboards.test_consumer import connect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ws_app(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    from channels.auth import AuthMiddlewareStack
    from channels.routing import URLRouter

    from quizsite.origin import browser_origin_validator
    from quizsite.routing import websocket_urlpatterns

    return browser_origin_validator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))


def _setup():
    tree = Tree()
    city_teacher = make_teacher(tree.city, username="tea_city")
    contest = make_contest(tree.district_a)
    finish_attempt(contest, tree.student_a, score=80, time_used_s=100)
    viewers = {
        "student in region": tree.student_a,
        "student elsewhere": tree.student_b,
        "teacher in region": tree.teacher_a,
        "teacher elsewhere": tree.teacher_b,
        "city teacher": city_teacher,
        "district organiser": tree.organiser_a,
        "other district organiser": tree.organiser_b,
        "city organiser": tree.city_organiser,
    }
    return contest, viewers


def _http_answers(contest, user):
    token = token_issue(user=user)
    api = Client().get(f"/api/v1/contests/{contest.pk}/leaderboard", HTTP_AUTHORIZATION=f"Bearer {token}")
    client = Client()
    client.force_login(user)
    page = client.get(f"/leaderboards/contests/{contest.pk}/")
    return token, api.status_code, page.status_code


async def test_api_page_and_socket_agree_for_every_role(ws_app):
    contest, viewers = await sync_to_async(_setup)()
    seen = {}
    for label, user in viewers.items():
        token, api_status, page_status = await sync_to_async(_http_answers)(contest, user)
        comm, connected, _ = await connect(ws_app, f"/ws/contests/{contest.pk}/leaderboard/", token=token)
        await comm.disconnect()
        assert api_status in (200, 404) and page_status in (200, 403), (label, api_status, page_status)
        allowed = {api_status == 200, page_status == 200, bool(connected)}
        assert len(allowed) == 1, f"{label}: api {api_status}, page {page_status}, socket {connected}"
        seen[label] = allowed.pop()
    # the rule itself: the region and the city above it see the board, the other district does not
    assert seen == {
        "student in region": True,
        "student elsewhere": False,
        "teacher in region": True,
        "teacher elsewhere": False,
        "city teacher": True,
        "district organiser": True,
        "other district organiser": False,
        "city organiser": True,
    }
