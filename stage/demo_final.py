"""Demo knowledge final for `seed_demo` (issue 14): 4 teams, a 必答 / 抢答 / 风险 round, and a hall quiz of
10 questions. Idempotent (looked up by title); team QR links are printed when the final is created."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import services
from .access import Actor
from .models import QuizGame, RoundKind, StageEvent

TITLE = "南通市青少年法治知识竞赛决赛"
TEAMS = [
    ("崇川区代表队", "南通市第一中学", "王浩、陈雨桐、李明轩"),
    ("通州区代表队", "通州高级中学", "张一凡、周欣怡、顾子豪"),
    ("海门区代表队", "海门中学", "黄思琪、吴俊杰、施可馨"),
    ("如皋市代表队", "如皋中学", "冒家豪、钱语嫣、丁博文"),
]
O4 = ["宪法", "民法典", "刑法", "未成年人保护法"]
CHOICE = [
    ("我国的根本大法是？", O4, "A"),
    ("规定“家庭保护、学校保护、社会保护、网络保护、政府保护、司法保护”的法律是？", O4, "D"),
    ("被称为“社会生活的百科全书”的法律是？", O4, "B"),
    ("国家宪法日是每年的？", ["12月4日", "3月15日", "6月1日", "10月1日"], "A"),
]
QUIZ = [
    ("国家宪法日是每年的哪一天？", ["12月4日", "6月1日", "10月1日", "3月5日"], "A"),
    ("《家庭教育促进法》自哪一年起施行？", ["2020年", "2022年", "2024年", "2018年"], "B"),
    ("未成年人是指未满多少周岁的公民？", ["14周岁", "16周岁", "18周岁", "20周岁"], "C"),
    ("我国现行宪法是哪一年通过的？", ["1954年", "1975年", "1978年", "1982年"], "D"),
    ("《民法典》共有几编？", ["五编", "六编", "七编", "八编"], "C"),
    ("遇到校园欺凌，最恰当的做法是？", ["忍气吞声", "以暴制暴", "及时告诉老师和家长", "上网发帖"], "C"),
    ("《预防未成年人犯罪法》把不良行为分为？", ["一般与严重不良行为", "轻微与严重", "违法与犯罪", "以上都不对"], "A"),
    ("中国共产党第二十次全国代表大会在哪一年召开？", ["2017年", "2020年", "2022年", "2023年"], "C"),
    ("网络游戏服务提供者应当对未成年人实行？", ["实名注册和防沉迷", "免费开放", "不限时长", "随意充值"], "A"),
    ("关工委的“五老”不包括？", ["老干部", "老战士", "老专家", "老板"], "D"),
]


def _options(texts):
    return [{"key": "ABCD"[i], "text": t} for i, t in enumerate(texts)]


@transaction.atomic
def seed(ctx, stdout) -> None:
    organiser = ctx.users.get("city_org")
    if organiser is None or ctx.city is None:
        return
    host = Actor(user=organiser)
    event = StageEvent.objects.filter(title=TITLE, owner_org=ctx.city).first()
    links = []
    if event is None:
        event = services.final_create(
            actor=host, org=ctx.city, title=TITLE, date=timezone.localdate() + timedelta(days=14), venue="南通大剧院"
        )
        teams = [
            services.team_add(actor=host, event=event, number=i + 1, name=n, school=s, members=m)
            for i, (n, s, m) in enumerate(TEAMS)
        ]
        now = timezone.now()
        for t in teams:
            raw = services.team_link_issue(actor=host, team=t, now=now)
            links.append(f"{t.number}号队 {reverse('stage:team_link', args=[event.pk, raw])}")
        required = services.round_add(actor=host, event=event, kind=RoundKind.REQUIRED, title="第一轮 必答题")
        for t, (stem, opts, ans) in zip(teams, CHOICE, strict=True):
            services.question_add(
                actor=host, round_=required, stem=stem, qtype="single", options=_options(opts), answer=[ans], team=t
            )
        buzzer = services.round_add(actor=host, event=event, kind=RoundKind.BUZZER, title="第二轮 抢答题")
        services.question_add(
            actor=host,
            round_=buzzer,
            stem="请说出《未成年人保护法》规定的六大保护。",
            answer_text="家庭、学校、社会、网络、政府、司法保护",
        )
        services.question_add(
            actor=host, round_=buzzer, stem=CHOICE[0][0], qtype="single", options=_options(O4), answer=["A"]
        )
        risk = services.round_add(actor=host, event=event, kind=RoundKind.RISK, title="第三轮 风险题")
        for t in teams:
            services.question_add(
                actor=host,
                round_=risk,
                stem="简述宪法宣誓制度的意义。",
                answer_text="树立宪法权威，增强宪法意识",
                team=t,
            )
    game = QuizGame.objects.filter(event=event).first()
    if game is None:
        game = services.quiz_create(
            actor=host,
            event=event,
            title="中场现场答题",
            questions=[{"stem": s, "options": _options(o), "answer": a, "time_s": 20} for s, o, a in QUIZ],
        )
    stdout.write(
        f"知识竞赛决赛：《{event.title}》，主持台 {reverse('stage:host', args=[event.pk])}（city_org），"
        f"大屏 {reverse('stage:screen', args=[event.pk])}?display={event.display_token}"
        + ("，队伍设备 " + "；".join(links) if links else "")
    )
    stdout.write(
        f"现场答题 PIN {game.pin}：玩家 {reverse('stage:play')}?pin={game.pin}，"
        f"主持 {reverse('stage:game_host', args=[game.pin])}，"
        f"大屏 {reverse('stage:game_screen', args=[game.pin])}?display={event.display_token}"
    )
