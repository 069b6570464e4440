"""Pages of the final: the team QR pairs the first device only; host console and screen render the final."""

import pytest
from django.test import Client
from django.utils import timezone

from stage import services
from tests.stage.final_factories import Final

pytestmark = pytest.mark.django_db


def test_team_link_pairs_the_first_device_and_refuses_a_second():
    f = Final()
    raw = services.team_link_issue(actor=f.host, team=f.teams[0], now=timezone.now())
    first, second = Client(), Client()
    r = first.get(f"/stage/events/{f.event.pk}/team/link/{raw}/")
    assert r.status_code == 302
    page = first.get(f"/stage/events/{f.event.pk}/team/")
    assert page.status_code == 200 and "1队" in page.content.decode() and "<script>" not in page.content.decode()
    assert second.get(f"/stage/events/{f.event.pk}/team/link/{raw}/").status_code == 403
    assert second.get(f"/stage/events/{f.event.pk}/team/").status_code == 403


def test_host_console_and_screen_show_the_final_controls():
    f = Final()
    c = Client()
    c.force_login(f.tree.city_organiser)
    host = c.get(f"/stage/events/{f.event.pk}/host/").content.decode()
    assert "final_host.js" in host and "撤销上一次计分" in host
    screen = Client().get(f"/stage/events/{f.event.pk}/screen/?display={f.event.display_token}").content.decode()
    assert "final_screen.js" in screen
    assert Client().get(f"/stage/events/{f.event.pk}/screen/?display=nope").status_code == 404
