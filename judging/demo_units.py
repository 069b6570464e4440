"""Demo works collections from units and adults for `seed_demo` (called by judging.demo): a 调研报告 collection
entered by three 校外教育辅导站 (one edited by two of its volunteers) and a 微视频课件 collection entered by
teachers and 五老 volunteers (each with a small playable MP4), each with a judged, closed round and published
awards. Idempotent."""

from __future__ import annotations

import io
from datetime import timedelta
from functools import partial

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Membership, OrgKind, Role, User
from accounts.selectors import org_district, org_school

from . import services
from .demo_video import demo_mp4
from .models import (
    Assignment,
    ContestKind,
    EntrantKind,
    Entry,
    EntryVersion,
    RoundStatus,
    ScoreStatus,
    SubmissionContest,
)

REPORT = "校外教育辅导站实践创新工作成果调研报告征集"
VIDEO = "优秀活动微视频课件征集（教师、五老）"
REPORT_RUBRIC = [
    {"name": "选题", "description": "聚焦辅导站实践创新，问题真实", "max_points": 25, "weight": 1},
    {"name": "调研", "description": "方法得当，数据翔实", "max_points": 35, "weight": 1},
    {"name": "成效", "description": "经验可复制、可推广", "max_points": 40, "weight": 1},
]
VIDEO_RUBRIC = [
    {"name": "主题", "description": "立德树人，导向正确", "max_points": 40, "weight": 1},
    {"name": "制作", "description": "画面清晰，讲解生动", "max_points": 30, "weight": 1},
    {"name": "实用", "description": "适合课堂和活动使用", "max_points": 30, "weight": 1},
]
REPORT_TITLES = ["“四点半课堂”的实践与思考", "五老宣讲进社区的调研", "暑期托管服务的创新做法"]
VIDEO_TITLES = ["红色家书里的初心", "老战士讲长征", "家乡的非遗蓝印花布", "安全用电小课堂", "濠河边的红色记忆"]


def _report_pdf(title: str) -> bytes:
    """A one-page PDF of the report (no author metadata: the demo writes what the upload pipeline would)."""
    from reportlab.pdfgen import canvas

    from core.pdffont import CJK_FONT as FONT
    from core.pdffont import register_cjk_font

    register_cjk_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.setAuthor("")
    c.setTitle("")
    c.setFont(FONT, 18)
    c.drawString(72, 760, title)
    c.setFont(FONT, 12)
    c.drawString(72, 730, "调研报告正文（演示）：辅导站依托五老队伍开展课后服务与实践活动。")
    c.save()
    return buf.getvalue()


def _contest(organiser, ctx, title, kind, prefix, kinds, rubric, now) -> SubmissionContest:
    contest = SubmissionContest.objects.filter(title=title, owner_org=ctx.city).first()
    if contest is None:
        contest = services.contest_create(
            actor=organiser, owner_org=ctx.city, title=title, kind=kind, code_prefix=prefix,
            entrant_kinds=kinds, opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=20),
        )  # fmt: skip
    if not contest.rubric.criteria.exists():
        services.rubric_set(actor=organiser, contest=contest, criteria=rubric)
    return contest


def _version(entry, number, title, by, when, make_file=None, file_type: str = "pdf") -> None:
    """Version `number` of a demo entry; `make_file()` gives its file's bytes (called only when needed)."""
    version = entry.versions.filter(number=number).first()
    if version is not None and (version.file or make_file is None):
        return
    version = version or EntryVersion(entry=entry, number=number, title=title, saved_by=by, created_at=when)
    if make_file is not None:  # a version seeded before the demo carried files gets its file now
        data = make_file()
        name = f"demo/{entry.contest_id}/{entry.code}-{number}.{file_type}"
        version.file.save(name, ContentFile(data), save=False)
        version.file_type, version.file_size = file_type, len(data)
    version.save()


def _report_entries(contest) -> None:
    stations = []
    for m in Membership.objects.filter(role=Role.VOLUNTEER, org__kind=OrgKind.STATION).select_related("org"):
        if m.org not in stations:
            stations.append(m.org)
    for i, station in enumerate(sorted(stations, key=lambda o: o.path)[:3]):
        staff = list(User.objects.filter(memberships__role=Role.VOLUNTEER, memberships__org=station).order_by("pk"))
        entry, _created = Entry.objects.get_or_create(
            contest=contest, unit=station,
            defaults={"code": f"{contest.code_prefix}-{101 + i:04d}", "author": staff[0], "school": station,
                      "district": org_district(station), "entrant_kind": EntrantKind.UNIT,
                      "pledge_accepted_at": contest.closes_at - timedelta(days=3), "consent_public": True},
        )  # fmt: skip
        title = REPORT_TITLES[i % len(REPORT_TITLES)]
        _version(entry, 1, title, staff[0], contest.closes_at - timedelta(days=5), partial(_report_pdf, title))
        if len(staff) > 1:  # a colleague revised it: the submitter of each version is kept
            when = contest.closes_at - timedelta(days=3)
            _version(entry, 2, title + "（修改稿）", staff[1], when, partial(_report_pdf, title))


def _video_entries(contest) -> None:
    teachers = list(User.objects.filter(memberships__role=Role.TEACHER).order_by("username").distinct()[:3])
    volunteers = list(User.objects.filter(memberships__role=Role.VOLUNTEER).order_by("username").distinct()[:3])
    for i, person in enumerate(teachers + volunteers):
        kind = EntrantKind.TEACHER if person in teachers else EntrantKind.VOLUNTEER
        membership = person.memberships.filter(role=kind).select_related("org").first()
        org = membership.org
        school = org_school(org) if org.kind in (OrgKind.SCHOOL, OrgKind.STATION, OrgKind.CLASS) else None
        entry, _created = Entry.objects.get_or_create(
            contest=contest, author=person,
            defaults={"code": f"{contest.code_prefix}-{201 + i:04d}", "school": school,
                      "district": org_district(org), "entrant_kind": kind,
                      "pledge_accepted_at": contest.closes_at - timedelta(days=2), "consent_public": i % 2 == 0},
        )  # fmt: skip
        # a real, playable H.264 video written in pure Python (judging.demo_video): judges and the public
        # playlist play it on a phone
        when = contest.closes_at - timedelta(days=2)
        _version(entry, 1, VIDEO_TITLES[i % len(VIDEO_TITLES)], person, when, partial(demo_mp4, variant=i), "mp4")


def _judge(organiser, contest, judges) -> None:
    rnd = contest.rounds.filter(order=1).first() or services.round_create(
        actor=organiser, contest=contest, name="市级评审", level="city", judges_per_entry=3
    )
    if rnd.status == RoundStatus.SETUP:
        services.round_set_panel(actor=organiser, rnd=rnd, judge_ids=[j.pk for j in judges])
        rnd = services.round_open(actor=organiser, rnd=rnd)
    if rnd.status == RoundStatus.JUDGING:
        if not Assignment.objects.filter(round=rnd).exists():
            services.round_assign_auto(actor=organiser, rnd=rnd)
        criteria = list(contest.rubric.criteria.all())
        codes = sorted(contest.entries.values_list("code", flat=True))
        pending = Assignment.objects.filter(round=rnd).exclude(score__status=ScoreStatus.SUBMITTED)
        for a in pending.select_related("entry", "judge"):
            lead = codes.index(a.entry.code)
            points = {c.pk: int(c.max_points) - 2 - lead - (a.judge_id % 2) for c in criteria}
            services.score_save(judge=a.judge, assignment=a, points=points, comment="演示评语。", submit=True)
        rnd = services.round_close(actor=organiser, rnd=rnd)
    if not contest.awards_published_at:
        tiers = {"first": {"count": 1}, "second": {"count": 1}, "third": {"count": 1}}
        services.awards_compute(actor=organiser, contest=contest, rnd=rnd, tiers=tiers)
        services.awards_publish(actor=organiser, contest=contest)


def seed_units(ctx, organiser, judges, stdout) -> None:
    if len(judges) < 4:
        stdout.write("单位与成人作品演示：评委不足，跳过。")
        return
    now = timezone.now()
    report = _contest(organiser, ctx, REPORT, ContestKind.DOCUMENT, "DYB", [EntrantKind.UNIT], REPORT_RUBRIC, now)
    _report_entries(report)
    video = _contest(
        organiser, ctx, VIDEO, ContestKind.VIDEO, "WKJ", [EntrantKind.TEACHER, EntrantKind.VOLUNTEER], VIDEO_RUBRIC, now
    )
    _video_entries(video)
    for contest in (report, video):
        if contest.entries.exists():
            _judge(organiser, contest, judges)
    stdout.write(
        f"单位与成人作品演示：{REPORT}（{report.entries.count()} 个辅导站）、{VIDEO}（{video.entries.count()} 份）"
    )
