"""One projector URL for the final and its hall quiz: the host puts one of the event's games on the event's
big screen and gives the screen back; the event screen follows over its socket, and a game screen opened
from it knows the way back. Only the event's host switches, and only to the event's own games."""

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from accounts.tokens import token_issue
from stage import services
from stage.access import Actor
from stage.errors import NoSuchThing, NotAllowed
from stage.models import StageEvent
from stage.selectors_final import final_part
from tests.stage.final_factories import Final, at
from tests.stage.test_consumer import connect, until, ws_app  # noqa: F401 (the fixture)
from tests.stage.test_quiz import game

db = sync_to_async


def on_screen(f):
    return final_part(StageEvent.objects.get(pk=f.event.pk), host=False)["screen_game"]


@pytest.mark.django_db
def test_only_the_host_puts_one_of_the_events_games_on_the_screen_and_takes_it_back():
    f = Final()
    g = game(f)
    foreign = game(Final(tree=f.tree))
    with pytest.raises(NotAllowed):
        services.screen_game_set(actor=Actor(user=f.tree.organiser_a), event_id=f.event.pk, game_id=g.pk, now=at(0))
    with pytest.raises(NoSuchThing):
        services.screen_game_set(actor=f.host, event_id=f.event.pk, game_id=foreign.pk, now=at(0))
    assert on_screen(f) is None
    services.screen_game_set(actor=f.host, event_id=f.event.pk, game_id=g.pk, now=at(0))
    assert on_screen(f) == {"id": g.pk, "pin": g.pin, "title": g.title}
    services.screen_game_set(actor=f.host, event_id=f.event.pk, game_id=None, now=at(1))
    assert on_screen(f) is None


@pytest.mark.django_db
def test_the_event_screen_follows_and_a_game_screen_opened_from_it_knows_the_way_back():
    f = Final()
    g = game(f)
    d = f.event.display_token
    screen = Client().get(reverse("stage:screen", args=[f.event.pk]) + f"?display={d}").content.decode()
    assert f'data-display="{d}"' in screen and "stage/screen_switch.js" in screen
    url = reverse("stage:game_screen", args=[g.pin]) + f"?display={d}"
    assert 'id="screen-back"' not in Client().get(url).content.decode()  # opened on its own: stays
    followed = Client().get(url + "&from=event").content.decode()
    assert f'data-ws="/ws/stage/events/{f.event.pk}/?role=screen&amp;display={d}"' in followed
    assert f'data-back="/stage/events/{f.event.pk}/screen/?display={d}"' in followed
    assert Client().get(url.replace(d, "nope") + "&from=event").status_code == 404
    host = Client()
    host.force_login(f.tree.city_organiser)
    console = host.get(reverse("stage:host", args=[f.event.pk])).content.decode()
    assert f'data-screen-game="{g.pk}"' in console and 'data-screen-game=""' in console


@pytest.mark.django_db(transaction=True)
async def test_the_host_switches_the_event_screen_to_a_game_and_back_over_the_socket(ws_app):  # noqa: F811
    f = await db(Final)()
    g = await db(game)(f)
    host, ok, _ = await connect(ws_app, f.event, "host", token=await db(token_issue)(user=f.tree.city_organiser))
    screen, ok2, _ = await connect(ws_app, f.event, "screen", f"&display={f.event.display_token}")
    assert ok and ok2
    assert (await screen.receive_json_from(timeout=5))["final"]["screen_game"] is None
    await host.receive_json_from(timeout=5)
    await host.send_json_to({"type": "final", "action": "screen_game", "game": g.pk, "ref": 1})
    assert (await until(host, lambda m: m["type"] == "done"))["ok"]
    shown = await until(screen, lambda m: m["type"] == "state" and m["final"]["screen_game"])
    assert shown["final"]["screen_game"]["pin"] == g.pin
    await host.send_json_to({"type": "final", "action": "screen_game", "game": None, "ref": 2})
    await until(screen, lambda m: m["type"] == "state" and m["final"]["screen_game"] is None)
    for comm in (host, screen):
        await comm.disconnect()
