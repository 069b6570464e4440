"""The database side of bench/contest_day.py, run as its own process (the load generator runs under
gevent and stays free of Django): `seed` the contest morning, `schedule` its window, `check` after the
run that nothing acknowledged was lost and the boards equal the database. Each prints one JSON line."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime, timedelta

from harness import PASSWORD, ensure_postgres_database, make_bench_contest, seed_students


def seed(args) -> dict:
    from django.utils import timezone

    from accounts.models import Membership, Organization, OrgKind, Role
    from competitions.models import ContestKind, CountingRule, ReviewPolicy, ScorePolicy

    usernames = seed_students(args.students + args.phone_viewers)
    now = timezone.now()
    contest = make_bench_contest(
        title=f"全市知识竞赛压测 {now:%m%d-%H%M%S}",
        kind=ContestKind.FORMAL,
        attempts_allowed=1,
        counting=CountingRule.FIRST,
        score_policy=ScorePolicy.IMMEDIATELY,
        review_policy=ReviewPolicy.AFTER_CLOSE,
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(hours=6),
        time_limit_s=6 * 3600,
    )
    teachers = [
        {"username": m.user.username, "class_id": m.org_id}
        for m in Membership.objects.filter(role=Role.TEACHER, org__kind=OrgKind.CLASS).select_related("user")
    ]
    district = Organization.objects.get(kind=OrgKind.DISTRICT, name="崇川区")
    if args.closes_in:  # the run's timetable starts when seeding ends: the closing time is known already
        contest.closes_at = timezone.now() + timedelta(seconds=args.closes_in)
        contest.save(update_fields=["closes_at"])
    return {
        "closes_at": contest.closes_at.timestamp(),
        "contest_id": contest.pk,
        "display_token": contest.display_token,
        "students": usernames[: args.students],
        "phone_viewers": usernames[args.students :],
        "teachers": teachers,
        "organiser": "district_org",
        "district_id": district.pk,
        "password": PASSWORD,
    }


def schedule(args) -> dict:
    """Everyone's deadline is the contest's close (the time limit is longer than the window)."""
    from competitions.models import Contest

    closes_at = datetime.fromtimestamp(args.closes_at, tz=UTC)
    Contest.objects.filter(pk=args.contest).update(closes_at=closes_at)
    return {"contest_id": args.contest, "closes_at": closes_at.isoformat()}


def _board_check(contest_id: int, viewers: list[dict]) -> dict:
    from leaderboards.source import board_rows
    from leaderboards.store import BoardNotBuilt, get_store

    rows, _frozen = board_rows(contest_id, None)
    expected = [f"u{r.user_id}" for r in sorted(rows, key=lambda r: (r.zscore, r.member))]
    try:
        stored = [e["key"] for e in get_store().read(contest_id, "individual", len(expected) + 10).entries]
    except BoardNotBuilt:
        stored = None
    finals = [v for v in viewers if v.get("last_keys") is not None]
    agree = sum(1 for v in finals if v["last_keys"] == expected[: len(v["last_keys"])])
    return {
        "participants_in_db": len(expected),
        "store_equals_db": stored == expected,
        "viewers_reporting": len(finals),
        "viewers_whose_last_frame_equals_db": agree,
        "last_frame_at": max((v["last_frame_at"] for v in finals), default=None),
    }


def check(args) -> dict:
    from competitions.models import Attempt, AttemptItem, AttemptState, FinishReason

    acked: dict[tuple[int, int], object] = {}
    viewers: list[dict] = []
    with open(args.acked) as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["k"] == "ack":
                acked[(rec["a"], rec["q"])] = rec["v"]  # lines are in acknowledgement order per student
            elif rec["k"] == "viewer":
                viewers.append(rec)
    attempts = Attempt.objects.filter(contest_id=args.contest)
    stored = {
        (a, q): v
        for a, q, v in AttemptItem.objects.filter(attempt__contest_id=args.contest).values_list(
            "attempt_id", "revision_id", "answer"
        )
    }
    lost = [k for k, v in acked.items() if stored.get(k) != v]
    board = _board_check(args.contest, viewers)
    return {
        "acknowledged_answers": len(acked),
        "lost": len(lost),
        "lost_examples": [list(k) for k in lost[:5]],
        "attempts": attempts.count(),
        "submitted": attempts.filter(finish_reason=FinishReason.SUBMITTED).count(),
        "finalised_at_deadline": attempts.filter(finish_reason=FinishReason.TIMEOUT).count(),
        "still_active": attempts.filter(state=AttemptState.ACTIVE).count(),
        "board": board,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("seed")
    p.add_argument("--students", type=int, required=True)
    p.add_argument("--phone-viewers", type=int, default=0)
    p.add_argument("--closes-in", type=float, default=0, help="close this many seconds after seeding (0: in 6 h)")
    p = sub.add_parser("schedule")
    p.add_argument("--contest", type=int, required=True)
    p.add_argument("--closes-at", type=float, required=True)
    p = sub.add_parser("check")
    p.add_argument("--contest", type=int, required=True)
    p.add_argument("--acked", required=True)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings.local")
    ensure_postgres_database(os.environ.get("DATABASE_URL", ""))
    import django

    django.setup()
    result = {"seed": seed, "schedule": schedule, "check": check}[args.cmd](args)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
