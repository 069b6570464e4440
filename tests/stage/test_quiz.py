"""The hall quiz: Kahoot points at the boundaries, late answers refused, nicknames filtered, reconnect
restores the player and never restarts their clock."""

import pytest

from stage import services
from stage.errors import AlreadyDone, BadNickname, NicknameTaken, NotAllowed, TooLate
from stage.models import QuizPlayer
from stage.quiz_frames import build
from stage.services.quiz_points import kahoot_points

from .final_factories import Final, at

pytestmark = pytest.mark.django_db

OPTS = [{"key": "A", "text": "12月4日"}, {"key": "B", "text": "10月1日"}]


def game(final, n=2, time_s=20):
    return services.quiz_create(
        actor=final.host,
        event=final.event,
        title="宪法日快问快答",
        questions=[
            {"stem": f"国家宪法日是哪天？{i}", "options": OPTS, "answer": "A", "time_s": time_s} for i in range(n)
        ],
    )


def test_kahoot_points_rule_at_the_boundaries():
    assert kahoot_points(points=1000, elapsed_ms=0, time_ms=20000) == 1000
    assert kahoot_points(points=1000, elapsed_ms=20000, time_ms=20000) == 500
    assert kahoot_points(points=1000, elapsed_ms=10000, time_ms=20000) == 750
    assert kahoot_points(points=1000, elapsed_ms=1, time_ms=30000) == 1000  # 999.983 rounds to 1000
    assert kahoot_points(points=999, elapsed_ms=20000, time_ms=20000) == 500  # 499.5 rounds half up


def test_answers_at_t0_and_at_T_score_full_and_half_and_a_late_one_is_refused():
    f = Final()
    g = game(f)
    p1 = services.quiz_join(pin=g.pin, nickname="小明", now=at(0))
    p2 = services.quiz_join(pin=g.pin, nickname="小红", now=at(0))
    p3 = services.quiz_join(pin=g.pin, nickname="小刚", now=at(0))
    services.quiz_advance(actor=f.host, game_id=g.pk, step="next", now=at(10))
    assert services.quiz_answer(player_id=p1.pk, position=0, choice="A", now=at(10)).points == 1000
    assert services.quiz_answer(player_id=p2.pk, position=0, choice="A", now=at(30)).points == 500
    with pytest.raises(TooLate):
        services.quiz_answer(player_id=p3.pk, position=0, choice="A", now=at(30.001))
    with pytest.raises(AlreadyDone):
        services.quiz_answer(player_id=p1.pk, position=0, choice="B", now=at(11))
    services.quiz_advance(actor=f.host, game_id=g.pk, step="close", now=at(31))
    version, head, me = build(g.pk)
    frame = __import__("json").loads(head + me[p2.pk] + "}")
    assert frame["results"]["distribution"] == {"A": 2, "B": 0}
    assert frame["results"]["answer"] == "A"
    assert [t["nickname"] for t in frame["results"]["top"]] == ["小明", "小红", "小刚"]
    assert frame["me"]["score"] == 500 and frame["me"]["rank"] == 2 and frame["me"]["last"]["points"] == 500


def test_wrong_answer_scores_zero():
    f = Final()
    g = game(f)
    p = services.quiz_join(pin=g.pin, nickname="小明", now=at(0))
    services.quiz_advance(actor=f.host, game_id=g.pk, step="next", now=at(1))
    assert services.quiz_answer(player_id=p.pk, position=0, choice="B", now=at(1)).points == 0


def test_time_counts_from_when_the_question_reached_the_connection_but_a_reconnect_does_not_restart_it():
    f = Final()
    g = game(f)
    p = services.quiz_join(pin=g.pin, nickname="迟到的", now=at(0))
    services.quiz_advance(actor=f.host, game_id=g.pk, step="next", now=at(0))
    # joined in progress: the question reached this player at 15 s
    services.quiz_seen(player_id=p.pk, position=0, now=at(15))
    services.quiz_seen(player_id=p.pk, position=0, now=at(25))  # a reconnect later: first time kept
    answer = services.quiz_answer(player_id=p.pk, position=0, choice="A", now=at(25), delivered_at=at(25))
    assert answer.elapsed_ms == 10000 and answer.points == 750


def test_nicknames_are_filtered_and_unique_and_a_token_restores_the_player():
    f = Final()
    g = game(f)
    with pytest.raises(BadNickname):
        services.quiz_join(pin=g.pin, nickname="ＳＢ同学", now=at(0))
    p = services.quiz_join(pin=g.pin, nickname="小明", now=at(0))
    with pytest.raises(NicknameTaken):
        services.quiz_join(pin=g.pin, nickname="小明", now=at(1))
    services.quiz_advance(actor=f.host, game_id=g.pk, step="next", now=at(2))
    services.quiz_answer(player_id=p.pk, position=0, choice="A", now=at(2))
    again = services.quiz_join(pin=g.pin, token=p.token, now=at(3))
    assert again.pk == p.pk and again.score == 1000
    assert QuizPlayer.objects.count() == 1


def test_signed_in_student_joins_once_under_their_name():
    f = Final()
    g = game(f)
    a = services.quiz_join(pin=g.pin, user=f.tree.student_a, now=at(0))
    b = services.quiz_join(pin=g.pin, user=f.tree.student_a, nickname="别名", now=at(1))
    assert a.pk == b.pk and a.nickname == "张小明"


def test_only_the_host_advances_the_game():
    from stage.access import Actor

    f = Final()
    g = game(f)
    with pytest.raises(NotAllowed):
        services.quiz_advance(actor=Actor(user=f.tree.student_a), game_id=g.pk, step="next", now=at(0))
    with pytest.raises(NotAllowed):
        services.quiz_advance(actor=f.devices[0], game_id=g.pk, step="next", now=at(0))


def test_pin_is_six_digits():
    f = Final()
    g = game(f)
    assert len(g.pin) == 6 and g.pin.isdigit()
