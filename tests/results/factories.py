"""Factories for certificate tests. Certificate mechanics (codes, PDFs, revocation, zips) do not depend
on what kind of contest a template belongs to, so these tests may target any model instance."""

import datetime

from django.contrib.contenttypes.models import ContentType

from accounts.models import Organization
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


def make_submission_contest(*, owner, **kw):
    from datetime import timedelta

    from django.utils import timezone

    from judging.models import SubmissionContest

    now = timezone.now()
    defaults = {"title": "喜迎二十大征文", "opens_at": now - timedelta(days=30), "closes_at": now - timedelta(days=10)}
    defaults.update(kw)
    return SubmissionContest.objects.create(owner_org=owner, **defaults)


def make_entry(contest, author, klass, *, code, consent=True, title="我的中国梦", body="<p>正文</p>", **version_kw):
    from judging.models import Entry, EntryVersion

    school = klass.parent
    district = Organization.objects.get(pk=klass.ancestor_ids()[1])
    entry = Entry.objects.create(
        contest=contest, code=code, author=author, school=school, district=district, consent_public=consent
    )
    EntryVersion.objects.create(entry=entry, number=1, title=title, body_html=body, body_text=body, **version_kw)
    return entry


def award(entry, tier, rank, *, published=True, score=90):
    from django.utils import timezone

    from judging.models import Award

    return Award.objects.create(
        contest=entry.contest,
        entry=entry,
        tier=tier,
        rank=rank,
        score=score,
        published_at=timezone.now() if published else None,
    )
