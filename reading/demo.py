"""Demo for `seed_demo`: a 每月一读 series with three months of readings (quizzes of reviewed bank
questions under 心理健康/每月一读/<month>), partial progress for demo students, the warning-phrase list,
a demo counsellor (counsellor1, 心理老师 of the first demo school) and one flagged reflection for her.
Idempotent."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role, User
from questionbank.models import Question, Topic
from questionbank.services.content import content_clean
from questionbank.services.questions import question_approve, question_create, question_submit

from . import services
from .models import (
    DistressFlag,
    PhraseCategory,
    Progress,
    Reading,
    ReadingQuestion,
    Series,
    WarningPhrase,
)

PHRASES = {
    PhraseCategory.SELF_HARM: ["不想活了", "想死", "自杀", "伤害自己", "割腕", "活着没意思"],
    PhraseCategory.HOPELESS: ["没有希望", "绝望", "没人在乎我", "我是多余的", "撑不下去"],
    PhraseCategory.BULLYING: ["被欺负", "被霸凌", "他们打我", "被孤立", "被勒索"],
}

STORIES = [
    (
        "雷锋日记里的温暖",
        "<p>雷锋在日记里写道：“人的生命是有限的，可是为人民服务是无限的。”</p>"
        "<p>遇到困难时，他总是先想到身边的人。帮助别人，也让自己的心里充满阳光。</p>"
        "<h3>想一想</h3><p>当你心情低落时，可以向谁倾诉？</p>",
        [
            ("single", "雷锋认为什么是无限的？", [("A", "金钱"), ("B", "为人民服务"), ("C", "时间")], ["B"]),
            ("true_false", "心情低落时，向信任的老师或家人倾诉是好办法。", [], True),
            ("single", "帮助别人会让自己的心情怎样？", [("A", "更加阳光"), ("B", "更加烦躁")], ["A"]),
        ],
    ),
    (
        "小英雄雨来的勇气",
        "<p>雨来在敌人面前毫不畏惧，他的勇气来自对家乡和亲人的热爱。</p>"
        "<p>勇敢不是不害怕，而是害怕时依然做正确的事。遇到欺凌，勇敢地告诉老师和家长。</p>",
        [
            ("single", "雨来的勇气来自什么？", [("A", "对家乡和亲人的爱"), ("B", "想出名")], ["A"]),
            ("true_false", "遇到欺凌应该一个人默默忍受。", [], False),
            ("true_false", "勇敢是在害怕时依然做正确的事。", [], True),
        ],
    ),
    (
        "张謇与家乡的梦想",
        "<p>南通先贤张謇兴实业、办教育，一生为家乡奔走。</p>"
        "<p>他相信“天之生人也，与草木无异，若遗留一二有用事业，与草木同生，即不与草木同腐”。</p>",
        [
            ("single", "张謇是哪里的先贤？", [("A", "南通"), ("B", "苏州")], ["A"]),
            ("true_false", "张謇兴办了实业和教育。", [], True),
            ("fill_blank", "张謇一生为____奔走。", [], [["家乡", "南通"]]),
        ],
    ),
]


def _topic(path: list[str]) -> Topic:
    parent = None
    for name in path:
        parent, _created = Topic.objects.get_or_create(name=name, parent=parent)
    return parent


def _month(today: date, back: int) -> date:
    y, m = today.year, today.month - back
    while m <= 0:
        y, m = y - 1, m + 12
    return date(y, m, 1)


def _questions(admin: User, author: User, topic: Topic, items) -> list[int]:
    ids = []
    for qtype, stem, options, answer in items:
        existing = Question.objects.filter(topic=topic, stem=stem).first()
        if existing is None:
            content = content_clean(
                qtype=qtype,
                stem=stem,
                options=[{"key": k, "text": t} for k, t in options],
                answer=answer,
                explanation="答案见本期阅读正文。",
                difficulty="easy",
                grade_bands=[],
                source="每月一读演示",
            )
            # written by a teacher and approved by the admin: four eyes, as for every published question
            existing = question_create(author=author, topic=topic, content=content)
            question_submit(actor=author, question=existing)
            existing = question_approve(actor=admin, question=existing)
        ids.append(existing.pk)
    return ids


@transaction.atomic
def seed(ctx, stdout) -> None:
    admin = ctx.users["admin"]
    for category, phrases in PHRASES.items():
        for phrase in phrases:
            WarningPhrase.objects.get_or_create(phrase=phrase, defaults={"category": category})
    school = ctx.schools[0]
    counsellor, created = User.objects.get_or_create(username="counsellor1", defaults={"real_name": "陈心怡老师"})
    if created:
        counsellor.set_password(ctx.password)
        counsellor.save()
    Membership.objects.get_or_create(user=counsellor, role=Role.COUNSELLOR, org=school)
    ctx.add_account(Role.COUNSELLOR, counsellor)

    series, _ = Series.objects.get_or_create(title="红色心灵故事——青少年心灵成长“每月一读”", owner_org=ctx.city)
    today = timezone.localdate()
    readings = []
    for back, (title, body, items) in zip((2, 1, 0), STORIES):
        month = _month(today, back)
        topic = _topic(["心理健康", "每月一读", f"{month:%Y-%m}"])
        reading = Reading.objects.filter(series=series, month=month).first()
        if reading is None:
            reading = Reading.objects.create(
                series=series,
                owner_org=ctx.city,
                title=title,
                month=month,
                opens_on=month,
                body=services.body_sanitise(body),
                reading_minutes=3,
                topic=topic,
                created_by=admin,
            )
            for i, qid in enumerate(_questions(admin, ctx.users.get("teacher3") or admin, topic, items)):
                ReadingQuestion.objects.create(
                    reading=reading, revision=Question.objects.get(pk=qid).current_revision, order=i
                )
            services.reading_publish(actor=admin, reading_id=reading.pk)
        readings.append(reading)

    students = list(
        Membership.objects.filter(role=Role.STUDENT, user__username__startswith="stu")
        .select_related("user", "org")
        .order_by("user__username")[:30]
    )
    now = timezone.now()
    made = 0
    for i, m in enumerate(students):
        for j, reading in enumerate(readings):
            if (i + j) % 3 == 2 or Progress.objects.filter(reading=reading, user=m.user).exists():
                continue
            done = (i + j) % 3 == 0
            Progress.objects.create(
                reading=reading,
                user=m.user,
                class_org=m.org,
                position=1.0 if done else 0.4,
                max_position=1.0 if done else 0.4,
                engaged_s=200 + i * 7 if done else 60,
                saves=12 if done else 4,
                started_at=now - timedelta(days=3 + j),
                last_saved_at=now - timedelta(days=i % 10),
                read_at=now - timedelta(days=2) if done else None,
                quiz_attempts=1 if done else 0,
                best_percent=(67 + (i % 2) * 33) if done else None,
                completed_at=now - timedelta(days=2) if done else None,
            )
            made += 1

    flagged = ""
    student = next((m.user for m in students if m.org.path.startswith(school.path)), None)
    if student and not DistressFlag.objects.filter(student=student).exists():
        services.reflection_save(
            user=student,
            reading_id=readings[-1].pk,
            text="读了这篇文章很感动。可是最近在班上总是被欺负，感觉没人在乎我。",
            share_consent=False,
        )
        flagged = f"，{student.username} 的一篇心得已提示 counsellor1"
    stdout.write(f"每月一读：{len(readings)} 个月的阅读，新增 {made} 条学生进度{flagged}。")
