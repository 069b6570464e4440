"""The head judge corrects a locked score from the phone: the form is on the head judge's page only, the
correction goes over the judge's socket with a reason, is logged, and the screen marks it 更正."""

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tokens import token_issue
from stage import services
from stage.models import AuditEntry, Score
from tests.stage.factories import Stage
from tests.stage.test_consumer import connect, until, ws_app  # noqa: F401 (the fixture)

db = sync_to_async


@pytest.mark.django_db
def test_only_the_head_judges_page_has_the_correction_form():
    st = Stage(judges=2)
    head, judge = Client(), Client()
    head.force_login(st.judge_users[0])  # seat 1 is the head judge
    judge.force_login(st.judge_users[1])
    page = head.get(reverse("stage:judge", args=[st.event.pk])).content.decode()
    assert 'id="head-correct"' in page and 'for="hc-reason"' in page
    assert all(f'for="hc-{c.pk}"' in page for c in st.criteria)
    assert 'id="head-correct"' not in judge.get(reverse("stage:judge", args=[st.event.pk])).content.decode()


@pytest.mark.django_db(transaction=True)
async def test_head_judge_corrects_a_locked_score_over_the_socket_and_the_screen_marks_it(ws_app):  # noqa: F811
    st = await db(Stage)(judges=2)
    p = st.performers[0]
    await db(st.open)(p)
    await db(st.score_all)(p, [30, 32])
    now = timezone.now()
    await db(services.performer_lock)(actor=st.host, event_id=st.event.pk, performer_id=p.pk, now=now)
    await db(services.scores_reveal)(actor=st.host, event_id=st.event.pk, performer_id=p.pk, now=now)
    head, ok, _ = await connect(ws_app, st.event, "judge", token=await db(token_issue)(user=st.judge_users[0]))
    plain, ok2, _ = await connect(ws_app, st.event, "judge", token=await db(token_issue)(user=st.judge_users[1]))
    screen, ok3, _ = await connect(ws_app, st.event, "screen", f"&display={st.event.display_token}")
    assert ok and ok2 and ok3
    for comm in (head, plain, screen):
        await comm.receive_json_from(timeout=5)
    points = await db(st.points)(34)
    msg = {"type": "correct", "performer": p.pk, "seat": 2, "points": points, "reason": "录入错误", "ref": 1}
    await plain.send_json_to(msg)  # an ordinary judge may not correct
    refused = await until(plain, lambda m: m["type"] == "done")
    assert not refused["ok"] and refused["code"] == "stage_forbidden"
    await head.send_json_to(msg)
    assert (await until(head, lambda m: m["type"] == "done"))["ok"]
    after = await until(screen, lambda m: m["type"] == "state" and m["performer"]["corrected"])
    assert after["result"]["final"] == "80.00"  # (78 + 82) / 2
    score = await db(Score.objects.get)(seat=st.seats[1], performer=p)
    entry = await db(AuditEntry.objects.filter(action="correction").select_related("seat").get)()
    assert score.corrected and entry.seat.is_head and entry.data["reason"] == "录入错误"
    for comm in (head, plain, screen):
        await comm.disconnect()
