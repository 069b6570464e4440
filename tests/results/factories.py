"""Factories for certificate tests. Certificate mechanics (codes, PDFs, revocation, zips) do not depend
on what kind of contest a template belongs to, so these tests may target any model instance."""

import datetime

from django.contrib.contenttypes.models import ContentType

from results.models import CertificateKind, CertificateTemplate


def make_template(*, target, org, kind=CertificateKind.AWARD, **kw) -> CertificateTemplate:
    defaults = {
        "title": "荣誉证书",
        "issuer": "共青团南通市委员会",
        "issue_date": datetime.date(2026, 12, 1),
    }
    defaults.update(kw)
    return CertificateTemplate.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        kind=kind,
        org=org,
        **defaults,
    )


def make_knowledge_contest(*, owner, **kw):
    from datetime import timedelta

    from django.utils import timezone

    from competitions.models import Contest, ContestStatus

    now = timezone.now()
    defaults = {
        "title": "学习二十大知识竞赛",
        "status": ContestStatus.PUBLISHED,
        "opens_at": now - timedelta(hours=5),
        "closes_at": now - timedelta(hours=1),
        "excellence_percent": 85,
    }
    defaults.update(kw)
    return Contest.objects.create(owner_org=owner, **defaults)


def make_attempt(contest, user, klass, score, *, max_score=100, counts=True, finalised=True, number=1, **kw):
    from datetime import timedelta

    from competitions.models import Attempt, AttemptState

    started = kw.pop("started_at", contest.opens_at + timedelta(minutes=10))
    return Attempt.objects.create(
        contest=contest,
        user=user,
        number=number,
        state=AttemptState.FINALISED if finalised else AttemptState.ACTIVE,
        class_org=klass,
        grade_band=klass.grade_band or "",
        seed=1,
        started_at=started,
        deadline=started + timedelta(minutes=30),
        finished_at=started + timedelta(minutes=20) if finalised else None,
        score=score,
        max_score=max_score,
        time_used_s=kw.pop("time_used_s", 1200),
        counts=counts,
        **kw,
    )
