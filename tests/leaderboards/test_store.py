"""The board stores rank exactly like the database (one ranking key), aggregate schools and districts as
documented, and a rebuild from the database reproduces the incrementally maintained board."""

import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from competitions.ranking import ranking_key
from leaderboards.store import DISTRICT, INDIVIDUAL, LIVE, SCHOOL, BoardNotBuilt, BoardRow, get_store

T0 = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


def row(attempt_id, user_id, score, time_used_s, finished_offset_s, school=1, district=100):
    return BoardRow(
        attempt_id=attempt_id,
        user_id=user_id,
        name=f"学生{user_id}",
        school_id=school,
        school=f"学校{school}",
        district_id=district,
        district=f"区{district}",
        score=Decimal(str(score)),
        time_used_s=time_used_s,
        finished_at=T0 + timedelta(seconds=finished_offset_s),
    )


def names(view):
    return [e["name"] for e in view.entries]


def test_individual_board_breaks_ties_by_time_then_finish_then_attempt_id(backend):
    store = get_store()
    rows = [
        row(10, 1, 90, 300, 50),  # 90 points
        row(11, 2, 95, 600, 60),  # best score wins despite more time
        row(12, 3, 90, 200, 70),  # same score as 1, less time -> ahead of 1
        row(13, 4, 90, 300, 40),  # same score and time as 1, finished earlier -> ahead of 1
        row(9, 5, 90, 300, 50),  # identical to 1 except lower attempt id -> ahead of 1
        row(14, 6, 89.99, 1, 1),
    ]
    store.replace(7, rows, {})
    view = store.read(7, INDIVIDUAL, 10)
    assert names(view) == ["学生2", "学生3", "学生4", "学生5", "学生1", "学生6"]
    expected = sorted(
        rows,
        key=lambda r: ranking_key(
            score=r.score, time_used_s=r.time_used_s, finished_at=r.finished_at, attempt_id=r.attempt_id
        ),
    )
    assert names(view) == [r.name for r in expected]
    assert [e["rank"] for e in view.entries] == [1, 2, 3, 4, 5, 6]
    assert view.entries[0]["score"] == 95.0 and view.entries[-1]["score"] == 89.99


def test_student_has_one_entry_and_a_better_attempt_replaces_it(backend):
    store = get_store()
    store.replace(7, [row(1, 1, 50, 100, 0), row(2, 2, 60, 100, 0)], {})
    store.upsert(7, row(3, 1, 80, 90, 10))
    view = store.read(7, INDIVIDUAL, 10)
    assert names(view) == ["学生1", "学生2"]
    assert view.participants == 2
    me = store.me_many(7, INDIVIDUAL, [1, 2, 99])
    assert me[1]["rank"] == 1 and me[1]["score"] == 80.0
    assert me[2]["rank"] == 2
    assert me[99] is None


def test_school_and_district_boards_rank_by_average_then_participants(backend):
    store = get_store()
    rows = [
        row(1, 1, 80, 10, 0, school=1, district=100),
        row(2, 2, 60, 10, 0, school=1, district=100),  # school 1: average 70 over 2
        row(3, 3, 70, 10, 0, school=2, district=100),  # school 2: average 70 over 1 -> behind school 1
        row(4, 4, 90, 10, 0, school=3, district=200),  # school 3: average 90 -> first
    ]
    store.replace(7, rows, {1: 4, 2: 2, 3: 10, 100: 6, 200: 10})
    schools = store.read(7, SCHOOL, 10)
    assert [(e["name"], e["score"], e["participants"]) for e in schools.entries] == [
        ("学校3", 90.0, 1),
        ("学校1", 70.0, 2),
        ("学校2", 70.0, 1),
    ]
    assert schools.entries[1]["participation_rate"] == 0.5
    districts = store.read(7, DISTRICT, 10)
    assert [(e["name"], e["score"], e["participants"]) for e in districts.entries] == [
        ("区200", 90.0, 1),
        ("区100", 70.0, 3),
    ]
    assert sorted((d["name"], d["participants"]) for d in schools.districts) == [("区100", 3), ("区200", 1)]
    me = store.me_many(7, SCHOOL, [2])
    assert me[2]["rank"] == 3 and me[2]["enrolled"] == 2


def test_rebuild_from_rows_equals_incrementally_maintained_board(backend):
    store = get_store()
    rng = random.Random(5)
    store.replace(7, [], {})
    final: dict[int, BoardRow] = {}
    for attempt_id in range(1, 400):
        user_id = rng.randint(1, 80)
        r = row(
            attempt_id,
            user_id,
            rng.choice([50, 60, 70, 75.5, 80, 100]),
            rng.randint(60, 600),
            attempt_id,
            school=user_id % 7 + 1,
            district=100 + user_id % 3,
        )
        store.upsert(7, r)
        final[user_id] = r
    incremental = {scope: store.read(7, scope, 100) for scope in (INDIVIDUAL, SCHOOL, DISTRICT)}
    store.replace(7, list(final.values()), {})
    rebuilt = {scope: store.read(7, scope, 100) for scope in (INDIVIDUAL, SCHOOL, DISTRICT)}
    for scope in incremental:
        assert incremental[scope].entries == rebuilt[scope].entries, scope
    assert rebuilt[INDIVIDUAL].version > incremental[INDIVIDUAL].version


def test_upsert_on_an_unbuilt_board_is_parked_for_the_rebuild(backend):
    store = get_store()
    with pytest.raises(BoardNotBuilt):
        store.read(8, INDIVIDUAL, 10)
    assert store.upsert(8, row(1, 42, 10, 10, 0)) is None
    assert store.take_pending(8) == [42]
    assert not store.is_built(8, LIVE)


def test_versions_only_grow(backend):
    store = get_store()
    v1 = store.replace(7, [row(1, 1, 10, 10, 0)], {})
    v2 = store.upsert(7, row(2, 2, 20, 10, 0))
    v3 = store.replace(7, [row(1, 1, 10, 10, 0)], {})
    assert v1 < v2 < v3
    # board dropped entirely (as after FLUSHDB): a fresh build is still newer than what clients saw
    store.drop(7)
    time.sleep(0.002)
    v4 = store.replace(7, [], {})
    assert v4 > v3
