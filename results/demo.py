"""Demo data for `seed_demo`: a closed past knowledge contest with counted results so the statistics
dashboard and certificates have something to show, certificate templates for it (award: top 10;
participation: 60 points or more) with certificates generated, and — if the essay contest's awards are
published — award certificates and a showcase. Idempotent: natural keys and idempotent services.

The past contest's attempts carry scores only (no frozen paper items): they exist to feed statistics
and certificates, and its review policy is "never" so no page offers a per-question review."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role
from accounts.selectors import scope_for

from .errors import CertificateError
from .models import CertificateKind, CertificateTemplate
from .services import certificates_generate

PAST_TITLE = "往期：中小学生宪法知识竞赛（统计演示）"
ISSUER = settings.ORG_NAME


def _template(contest, kind, org, **extra) -> CertificateTemplate:
    ct = ContentType.objects.get_for_model(contest)
    template, _created = CertificateTemplate.objects.get_or_create(
        content_type=ct,
        object_id=contest.pk,
        kind=kind,
        defaults={"org": org, "issuer": ISSUER, "issue_date": date.today(), **extra},
    )
    return template


def _past_contest(ctx, organiser):
    from competitions.models import (
        Attempt,
        AttemptState,
        Contest,
        ContestKind,
        ContestStatus,
        FinishReason,
        ReviewPolicy,
    )

    now = timezone.now()
    contest, _created = Contest.objects.get_or_create(
        title=PAST_TITLE,
        owner_org=ctx.city,
        defaults={
            "description": "已结束的演示竞赛，用于展示统计与证书。",
            "kind": ContestKind.FORMAL,
            "status": ContestStatus.PUBLISHED,
            "opens_at": now - timedelta(days=10),
            "closes_at": now - timedelta(days=7),
            "time_limit_s": 1200,
            "review_policy": ReviewPolicy.NEVER,
            "created_by": organiser,
        },
    )
    done = set(Attempt.objects.filter(contest=contest).values_list("user_id", flat=True))
    students = list(
        Membership.objects.filter(role=Role.STUDENT, user__username__startswith="stu")
        .order_by("user__username")
        .values_list("user_id", "org_id")
    )
    rows = []
    for i, (user_id, class_id) in enumerate(students):
        if i % 4 == 3 or user_id in done:  # about three in four take part
            continue
        started = contest.opens_at + timedelta(hours=(i * 7) % 70, minutes=i % 60)
        used = 300 + (i * 53) % 900
        rows.append(
            Attempt(
                contest=contest,
                user_id=user_id,
                number=1,
                state=AttemptState.FINALISED,
                class_org_id=class_id,
                seed=i,
                started_at=started,
                deadline=started + timedelta(seconds=contest.time_limit_s),
                finished_at=started + timedelta(seconds=used),
                finish_reason=FinishReason.SUBMITTED,
                score=Decimal(40 + (i * 37) % 61),
                max_score=Decimal(100),
                time_used_s=used,
                counts=True,
            )
        )
    Attempt.objects.bulk_create(rows, batch_size=2000)
    return contest


@transaction.atomic
def seed(ctx, stdout) -> None:
    organiser = ctx.users.get("city_org")
    if organiser is None or ctx.city is None:
        return
    contest = _past_contest(ctx, organiser)
    award = _template(contest, CertificateKind.AWARD, ctx.city, top_n=10)
    participation = _template(
        contest,
        CertificateKind.PARTICIPATION,
        ctx.city,
        title="参赛证书",
        body="{name} 同学：\n参加「{contest}」，成绩合格。\n特发此证。",
        min_score=Decimal(60),
    )
    issued = certificates_generate(template=award).total + certificates_generate(template=participation).total
    stdout.write(f"统计与证书：往期竞赛《{contest.title}》，证书 {issued} 张（重复运行验证码不变）。")

    from judging.models import SubmissionContest

    from .showcase import showcase_feature

    for essay in SubmissionContest.objects.filter(owner_org=ctx.city, awards_published_at__isnull=False):
        template = _template(essay, CertificateKind.AWARD, ctx.city)
        try:
            certificates_generate(template=template)
        except CertificateError:
            continue
        showcase_feature(actor=organiser, scope=scope_for(organiser), contest=essay)
