"""/stage/play/: PIN entry, join with a nickname (filtered), come back as the same player."""

import pytest
from django.test import Client

from stage.models import QuizPlayer
from tests.stage.final_factories import Final
from tests.stage.test_quiz import game

pytestmark = pytest.mark.django_db


def test_join_by_pin_and_nickname_and_come_back_as_the_same_player():
    f = Final()
    g = game(f)
    c = Client()
    assert c.get(f"/stage/play/?pin={g.pin}").status_code == 200
    bad = c.post("/stage/play/", {"pin": "000000", "nickname": "小明"})
    assert bad.status_code == 400 and "没有这个游戏" in bad.content.decode()
    rude = c.post("/stage/play/", {"pin": g.pin, "nickname": "fuck"})
    assert rude.status_code == 400 and QuizPlayer.objects.count() == 0
    ok = c.post("/stage/play/", {"pin": g.pin, "nickname": "小明"})
    assert ok.status_code == 200 and "quiz.js" in ok.content.decode() and "<script>" not in ok.content.decode()
    again = c.post("/stage/play/", {"pin": g.pin, "nickname": "另一个"})
    assert again.status_code == 200 and QuizPlayer.objects.get().nickname == "小明"


def test_game_host_page_is_for_hosts_and_screen_needs_the_secret():
    f = Final()
    g = game(f)
    c = Client()
    c.force_login(f.tree.student_a)
    assert c.get(f"/stage/games/{g.pin}/host/").status_code == 403
    c.force_login(f.tree.city_organiser)
    assert c.get(f"/stage/games/{g.pin}/host/").status_code == 200
    assert Client().get(f"/stage/games/{g.pin}/screen/?display=x").status_code == 404
    screen = Client().get(f"/stage/games/{g.pin}/screen/?display={f.event.display_token}")
    assert screen.status_code == 200 and g.pin in screen.content.decode()
