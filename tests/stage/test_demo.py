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
