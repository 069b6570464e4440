"""Demo contests for `seed_demo`, the mission's own: a 党的二十大精神知识竞赛 and a 中小学生法律知识竞赛 drawn
from the demo bank's 二十大 and 法治 topics, and a practice 法学苑 every demo student can take any number of
times. Idempotent (natural keys). Seeds the demo bank first if the question-bank demo has not run.
Rule counts fit the demo bank for every grade band (a test checks paper_shortfalls is empty)."""

import io
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from questionbank.models import QuestionType, Topic
from questionbank.selectors import published_revisions

from .demo_practice import PRACTICE_QUESTIONS, PRACTICE_TOPIC
from .models import Contest, ContestKind, ContestStatus, CountingRule, PaperRule, ReviewPolicy, ScorePolicy

S, M, T, F = QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE, QuestionType.FILL_BLANK
PARTY_TITLE = "党的二十大精神知识竞赛"
LAW_TITLE = "中小学生法律知识竞赛"
PRACTICE_TITLE = "法学苑（练习）"


def _topic(name: str) -> Topic:
    return Topic.objects.get(name=name, parent=None)


def _contest(title: str, *, owner, defaults: dict, rules: list) -> Contest:
    now = timezone.now()
    contest, created = Contest.objects.get_or_create(title=title, owner_org=owner, defaults=defaults)
    if not created and contest.closes_at <= now + timedelta(days=1):
        contest.opens_at = now - timedelta(hours=1)
        contest.closes_at = now + timedelta(days=30)
        contest.save(update_fields=["opens_at", "closes_at", "updated_at"])
    if created:
        for i, (topic, qtype, count, points) in enumerate(rules):
            PaperRule.objects.create(
                contest=contest, topic=topic, qtype=qtype, count=count, points=Decimal(points), order=i
            )
    return contest


@transaction.atomic
def seed(ctx, stdout) -> None:
    from questionbank import demo as bank_demo
    from questionbank.topics import topics_ensure_base

    topics_ensure_base()
    party, law = _topic("党的二十大精神"), _topic("法治教育")
    if not published_revisions(topic_ids=[party.pk]).exists():
        bank_demo.seed(ctx, io.StringIO())
    practice_topic, _ = Topic.objects.get_or_create(name=PRACTICE_TOPIC, parent=None, defaults={"order": 60})
    bank_demo.seed_items(
        PRACTICE_QUESTIONS, author=ctx.users.get("teacher3") or ctx.users["admin"], approver=ctx.users["admin"]
    )
    now = timezone.now()
    window = {"opens_at": now - timedelta(hours=1), "closes_at": now + timedelta(days=30)}
    formal = {
        **window,
        "kind": ContestKind.FORMAL,
        "status": ContestStatus.PUBLISHED,
        "time_limit_s": 20 * 60,
        "attempts_allowed": 1,
        "counting": CountingRule.FIRST,
        "score_policy": ScorePolicy.IMMEDIATELY,
        "review_policy": ReviewPolicy.AFTER_CLOSE,
        "partial_credit": False,
        "freeze_minutes": 30,
    }
    party_contest = _contest(
        PARTY_TITLE,
        owner=ctx.city,
        defaults={
            **formal,
            "description": "学习宣传贯彻党的二十大精神。全市中小学生参加，每人一次机会，限时 20 分钟，竞赛结束后公布答案与解析。",
        },
        rules=[(party, S, 2, "10"), (party, M, 2, "10"), (party, T, 3, "10"), (party, F, 2, "15")],
    )
    law_contest = _contest(
        LAW_TITLE,
        owner=ctx.city,
        defaults={
            **formal,
            "description": "宪法、未成年人保护法、预防未成年人犯罪法、家庭教育促进法、民法典。每人一次机会，限时 20 分钟。",
        },
        rules=[(law, S, 4, "10"), (law, T, 6, "5"), (law, F, 3, "10")],
    )
    practice = _contest(
        PRACTICE_TITLE,
        owner=ctx.city,
        defaults={
            **window,
            "description": "法学苑：法治知识练习，不限次数，交卷后立即看到答案与解析。",
            "kind": ContestKind.PRACTICE,
            "status": ContestStatus.PUBLISHED,
            "time_limit_s": 10 * 60,
            "attempts_allowed": 0,
            "counting": CountingRule.BEST,
            "score_policy": ScorePolicy.IMMEDIATELY,
            "review_policy": ReviewPolicy.IMMEDIATELY,
            "partial_credit": True,
        },
        rules=[(practice_topic, S, 3, "10"), (practice_topic, T, 4, "10"), (practice_topic, F, 3, "10")],
    )
    stdout.write(
        f"竞赛：{party_contest.title}（正式，#{party_contest.pk}）、{law_contest.title}（正式，#{law_contest.pk}）、"
        f"{practice.title}（练习，#{practice.pk}）"
    )
