"""Demo essay contest in its judging phase for `seed_demo`: entries from demo students, a rubric
(立意 30, 内容 30, 结构 20, 语言 20), a city round with judges judge1…judge8 and automatic assignments,
and a few submitted scores. Idempotent: everything is looked up by natural keys first."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role, User
from accounts.selectors import org_district, org_school

from . import services
from .demo_units import seed_units
from .models import Assignment, ContestKind, Entry, EntryVersion, RoundStatus, Score, SubmissionContest
from .text import char_count, sanitise_html

TITLE = "喜迎二十大·青春心向党 征文比赛"
RUBRIC = [
    {"name": "立意", "description": "主题鲜明，紧扣党的二十大精神", "max_points": 30, "weight": 1},
    {"name": "内容", "description": "内容充实，事例真实生动", "max_points": 30, "weight": 1},
    {"name": "结构", "description": "结构完整，层次清楚", "max_points": 20, "weight": 1},
    {"name": "语言", "description": "语言流畅，表达准确", "max_points": 20, "weight": 1},
]
OPENINGS = ["我的家乡南通", "江海之滨的新变化", "青春的模样", "强国有我", "小小少年的大梦想", "奋斗的足迹"]
SENTENCES = [
    "党的二十大报告描绘了全面建设社会主义现代化国家的宏伟蓝图。",
    "站在濠河边，我看见家乡一天天变得更美。",
    "爷爷常说，过去的日子苦，如今的日子甜。",
    "沪苏通长江公铁大桥飞跨江面，连起了天堑两岸。",
    "作为新时代的少年，我们要把个人梦想融入国家发展。",
    "在学校的科技节上，我和同学们一起制作了节能小车。",
    "志愿服务让我懂得了奉献的意义。",
    "我要努力学习，将来为祖国建设贡献自己的力量。",
]
ENTRY_COUNT = 24
# collections open for submissions, so students see the upload pages of both works kinds
COLLECTIONS = [
    (
        "“学习二十大 永远跟党走”微视频课件征集",
        ContestKind.VIDEO,
        "WSP",
        "以 3–5 分钟的微视频或微课件讲述学习党的二十大精神的体会，可团队创作（最多 3 人）。",
        [
            {"name": "主题", "description": "紧扣主题，导向正确", "max_points": 30, "weight": 1},
            {"name": "内容", "description": "内容真实，有教育意义", "max_points": 30, "weight": 1},
            {"name": "制作", "description": "画面清晰，剪辑流畅", "max_points": 20, "weight": 1},
            {"name": "创意", "description": "形式新颖，富有感染力", "max_points": 20, "weight": 1},
        ],
    ),
    (
        "“法治伴我成长”青少年调研报告征集",
        ContestKind.DOCUMENT,
        "DY",
        "围绕身边的法治话题（如校园安全、网络保护、家庭教育）开展调查，提交 PDF 调研报告。",
        [
            {"name": "选题", "description": "选题贴近生活，有现实意义", "max_points": 25, "weight": 1},
            {"name": "方法", "description": "调查方法得当，数据真实", "max_points": 25, "weight": 1},
            {"name": "分析", "description": "分析有据，结论合理", "max_points": 30, "weight": 1},
            {"name": "表达", "description": "结构清楚，表达规范", "max_points": 20, "weight": 1},
        ],
    ),
]


def _collections(ctx, organiser, now) -> list[SubmissionContest]:
    made = []
    for title, kind, prefix, description, rubric in COLLECTIONS:
        contest = SubmissionContest.objects.filter(title=title, owner_org=ctx.city).first()
        if contest is None:
            contest = services.contest_create(
                actor=organiser,
                owner_org=ctx.city,
                title=title,
                kind=kind,
                description=description,
                code_prefix=prefix,
                opens_at=now - timedelta(days=3),
                closes_at=now + timedelta(days=45),
                allow_teams=kind == ContestKind.VIDEO,
            )
        elif contest.closes_at <= now + timedelta(days=1):
            contest.closes_at = now + timedelta(days=45)
            contest.save(update_fields=["closes_at"])
        if not contest.rubric.criteria.exists():
            services.rubric_set(actor=organiser, contest=contest, criteria=rubric)
        made.append(contest)
    return made


def _essay(i: int) -> str:
    paragraphs = []
    for p in range(4):
        paragraphs.append("".join(SENTENCES[(i + p + k) % len(SENTENCES)] for k in range(5)))
    return "\n\n".join(paragraphs)


@transaction.atomic
def seed(ctx, stdout) -> None:
    organiser = ctx.users.get("city_org")
    judges = [ctx.users[f"judge{j}"] for j in range(1, 9) if f"judge{j}" in ctx.users]
    if organiser is None or ctx.city is None:
        return
    now = timezone.now()
    collections = _collections(ctx, organiser, now)
    stdout.write("作品征集演示：" + "、".join(c.title for c in collections))
    seed_units(ctx, organiser, judges, stdout)
    contest = SubmissionContest.objects.filter(title=TITLE, owner_org=ctx.city).first()
    if contest is None:
        contest = services.contest_create(
            actor=organiser,
            owner_org=ctx.city,
            title=TITLE,
            description="围绕学习宣传贯彻党的二十大精神，讲述身边的新变化、新气象。",
            code_prefix="ZW",
            opens_at=now - timedelta(days=30),
            closes_at=now - timedelta(days=1),
            min_chars=200,
            max_chars=3000,
        )
    if not contest.rubric.criteria.exists():
        services.rubric_set(actor=organiser, contest=contest, criteria=RUBRIC)

    students = list(User.objects.filter(username__startswith="stu").order_by("username")[:ENTRY_COUNT])
    existing = set(Entry.objects.filter(contest=contest).values_list("author_id", flat=True))
    classes = dict(
        Membership.objects.filter(user__in=students, role=Role.STUDENT)
        .select_related("org")
        .values_list("user_id", "org")
    )
    from accounts.models import Organization

    class_orgs = Organization.objects.in_bulk(set(classes.values()))
    for i, student in enumerate(students):
        if student.pk in existing or student.pk not in classes:
            continue
        klass = class_orgs[classes[student.pk]]
        entry = Entry.objects.create(
            contest=contest,
            code=f"ZW-{i + 1:04d}",
            author=student,
            school=org_school(klass),
            district=org_district(klass),
            pledge_accepted_at=contest.closes_at - timedelta(days=2),
            consent_public=i % 3 == 0,
        )
        body = _essay(i)
        EntryVersion.objects.create(
            entry=entry,
            number=1,
            title=OPENINGS[i % len(OPENINGS)],
            body_text=body,
            body_html=sanitise_html(body),
            char_count=char_count(body),
            created_at=contest.closes_at - timedelta(days=2),
            saved_by=student,
        )

    rnd = contest.rounds.filter(order=1).first()
    if rnd is None:
        rnd = services.round_create(actor=organiser, contest=contest, name="市级评审", level="city", judges_per_entry=3)
    if rnd.status == RoundStatus.SETUP:
        services.round_set_panel(actor=organiser, rnd=rnd, judge_ids=[j.pk for j in judges])
        if not contest.entries.exists() or len(judges) < rnd.judges_per_entry:
            stdout.write("征文评审演示：学生或评委不足，跳过开始评审。")
            return
        rnd = services.round_open(actor=organiser, rnd=rnd)
    if rnd.status == RoundStatus.JUDGING and not Assignment.objects.filter(round=rnd).exists():
        services.round_assign_auto(actor=organiser, rnd=rnd)
        # judge2 has already finished three essays, so progress bars are not all empty
        criteria = list(contest.rubric.criteria.all())
        for n, a in enumerate(
            Assignment.objects.filter(round=rnd, judge__username="judge2").order_by("entry__code")[:3]
        ):
            if not Score.objects.filter(assignment=a).exists():
                points = {c.pk: int(c.max_points) - 3 - n - k for k, c in enumerate(criteria)}
                services.score_save(
                    judge=a.judge, assignment=a, points=points, comment="立意鲜明，语言朴实。", submit=True
                )
    stdout.write(
        f"征文评审演示：{contest.title}（{contest.entries.count()} 份作品，"
        f"{Assignment.objects.filter(round=rnd).count()} 条评审分配）"
    )
