"""The deadline second (issue 17): saves the fast path hands to the service run side by side, not one
behind the other on asgiref's single thread-sensitive thread, and the board update a finalisation
triggers runs after the response on the follow-up pool, not inline."""

import asyncio
import threading
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.utils import timezone

from accounts.tokens import token_issue
from competitions import services
from competitions.fastpath import AnswerFastPath
from competitions.models import Attempt, AttemptState
from core import background
from questionbank.models import QuestionType
from tests.competitions.factories import make_contest, make_question, make_topic
from tests.factories import Tree, make_student

from .fastpath_asgi import POSTGRES_ASGI, call, refuse

pytestmark = POSTGRES_ASGI


def _late_attempts(n: int):
    tree = Tree()
    rev = make_question(topic=make_topic(), qtype=QuestionType.SINGLE)
    contest = make_contest(owner_org=tree.city, fixed=[(rev, "1")])
    students = [make_student(tree.class_a, username=f"late{i}") for i in range(n)]
    attempts = [services.attempt_start(user=s, contest_id=contest.pk)[0] for s in students]
    Attempt.objects.filter(pk__in=[a.pk for a in attempts]).update(deadline=timezone.now() - timedelta(seconds=1))
    return rev, attempts, [token_issue(user=s) for s in students]


async def test_handed_over_saves_run_side_by_side_and_the_board_update_waits_for_no_one(monkeypatch):
    rev, attempts, tokens = await sync_to_async(_late_attempts)(2)
    both_inside = threading.Barrier(2, timeout=10)  # broken (an error) if the two run one after the other
    service_threads, board_threads, board_gate = [], [], threading.Event()
    real_save = services.answer_save

    def answer_save(**kw):
        service_threads.append(threading.current_thread().name)
        both_inside.wait()
        return real_save(**kw)

    def board_update(contest_id, attempt_id):
        board_gate.wait(10)
        board_threads.append(threading.current_thread().name)

    monkeypatch.setattr(services, "answer_save", answer_save)
    monkeypatch.setattr("leaderboards.receivers._apply", board_update)
    app = AnswerFastPath(refuse)
    try:
        answers = await asyncio.gather(
            *(
                call(app, "PUT", f"/api/v1/attempts/{a.pk}/answers/{rev.pk}", {"answer": ["A"]}, token=t)
                for a, t in zip(attempts, tokens, strict=True)
            )
        )
    finally:
        await app.close()
    assert [(s, b["code"]) for s, b, _h in answers] == [(409, "deadline_passed")] * 2
    assert all(name.startswith("fastpath-fallback") for name in service_threads), service_threads
    # both students were answered while their board updates were still waiting
    assert board_threads == []
    board_gate.set()
    await sync_to_async(background.follow_ups_drain)()
    assert len(board_threads) == 2 and all(name.startswith("follow-up") for name in board_threads)
    states = await sync_to_async(lambda: set(Attempt.objects.values_list("state", flat=True)))()
    assert states == {AttemptState.FINALISED}
