import io

import pytest
from django.utils import timezone

from accounts.demo import seed_organisations_and_people
from stage import demo, services
from stage.access import Actor
from stage.models import StageEvent

pytestmark = pytest.mark.django_db


def test_demo_event_is_ready_to_run_and_seeding_twice_adds_nothing():
    ctx = seed_organisations_and_people(password="Demo@2026x", students=0, reset_passwords=False)
    demo.seed(ctx, io.StringIO())
    demo.seed(ctx, io.StringIO())
    event = StageEvent.objects.get(title=demo.TITLE)
    assert event.categories.count() == 3 and event.performers.count() == 12 and event.seats.count() == 7
    assert event.drawn_at is not None and not event.performers.filter(running_order=None).exists()
    services.performer_go(actor=Actor(user=ctx.users["city_org"]), event_id=event.pk, to="next", now=timezone.now())
    event.refresh_from_db()
    assert event.current_performer.running_order == 1


def test_demo_adds_a_final_with_four_teams_and_a_ten_question_hall_quiz_once():
    from stage import demo_final
    from stage.models import FinalQuestion, QuizGame

    ctx = seed_organisations_and_people(password="Demo@2026x", students=0, reset_passwords=False)
    out = io.StringIO()
    demo.seed(ctx, out)
    demo.seed(ctx, io.StringIO())
    final = StageEvent.objects.get(title=demo_final.TITLE)
    assert final.kind == "final" and final.teams.count() == 4 and final.rounds.count() == 3
    assert {r.kind for r in final.rounds.all()} == {"required", "buzzer", "risk"}
    assert FinalQuestion.objects.filter(round__event=final).count() == 10
    game = QuizGame.objects.get(event=final)
    assert game.questions.count() == 10 and len(game.pin) == 6
    assert f"/stage/play/?pin={game.pin}" in out.getvalue() and "/team/link/" in out.getvalue()
