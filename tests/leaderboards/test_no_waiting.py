"""A score never waits for someone else's board rebuild: it is parked and the rebuild applies it."""

import pytest

from leaderboards.selectors import board_read
from leaderboards.services import leaderboard_rebuild
from leaderboards.store import INDIVIDUAL, get_store
from tests.factories import Tree, make_student
from tests.leaderboards.factories import finish_attempt, make_contest

pytestmark = pytest.mark.django_db(transaction=True)


def test_answer_during_another_process_rebuild_returns_at_once_and_is_applied_by_that_rebuild(backend, monkeypatch):
    tree = Tree()
    contest = make_contest(tree.city)
    store = get_store()
    store.unbuild(contest.pk)
    lock = f"rebuild:{contest.pk}"
    assert store.try_lock(lock, 60)  # another process is rebuilding this board
    waits = []
    monkeypatch.setattr("leaderboards.services.time.sleep", waits.append)
    monkeypatch.setattr("leaderboards.services.REBUILD_WAIT_S", 0.2)  # the old code would spin here
    student = make_student(tree.class_a, real_name="重建期间交卷")
    finish_attempt(contest, student, score=77, time_used_s=120)  # applies the board after commit
    monkeypatch.undo()
    assert waits == [], "the scoring request waited for another process's rebuild"
    store.unlock(lock)
    # the other process's rebuild, finishing now, reads the database and re-applies what was parked
    leaderboard_rebuild(contest_id=contest.pk)
    entries = board_read(contest_id=contest.pk, scope=INDIVIDUAL, limit=5).entries
    assert [e["name"] for e in entries] == ["重建期间交卷"]
