"""Demo 老少同台 speech contest for `seed_demo`: 3 categories, 12 performers, 7 judges (judge1…judge7,
judge1 is head judge), drawn and ready for the host to press "下一位". Idempotent (looked up by title)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import services
from .access import Actor
from .models import StageEvent

TITLE = "“强国复兴有我”主题教育老少同台演讲比赛"
PERFORMERS = [
    ("五老组", "陈建国", "崇川区关工委", "我的入党故事"),
    ("五老组", "周秀英", "通州区关工委", "一封家书"),
    ("五老组", "顾志刚", "海门区关工委", "老兵的江海情"),
    ("五老组", "黄玉兰", "如东县关工委", "讲给孙辈听的红色故事"),
    ("中学组", "王思远", "南通中学", "青春向党 强国有我"),
    ("中学组", "李婧涵", "如皋中学", "沪苏通大桥上的思考"),
    ("中学组", "张子轩", "海安高级中学", "把论文写在江海大地上"),
    ("中学组", "刘雨萱", "启东中学", "传承五老精神"),
    ("小学组", "吴一诺", "城中小学", "爷爷的勋章"),
    ("小学组", "徐若曦", "实验小学", "我是小小宣讲员"),
    ("小学组", "孙浩然", "校外教育辅导站", "红领巾心向党"),
    ("小学组", "朱可欣", "师范第二附属小学", "濠河边的新故事"),
]
CRITERIA = [
    services.CriterionSpec("内容", Decimal(40)),
    services.CriterionSpec("表达", Decimal(30)),
    services.CriterionSpec("仪态", Decimal(20)),
    services.CriterionSpec("时间", Decimal(10)),
]


@transaction.atomic
def seed(ctx, stdout) -> None:
    organiser = ctx.users.get("city_org")
    judges = [ctx.users.get(f"judge{j}") for j in range(1, 8)]
    if organiser is None or ctx.city is None or None in judges:
        return
    if StageEvent.objects.filter(title=TITLE, owner_org=ctx.city).exists():
        event = StageEvent.objects.get(title=TITLE, owner_org=ctx.city)
    else:
        host = Actor(user=organiser)
        now = timezone.now()
        event = services.event_create(
            actor=host,
            org=ctx.city,
            title=TITLE,
            date=timezone.localdate() + timedelta(days=7),
            venue="南通市青少年活动中心 报告厅",
            categories=["五老组", "中学组", "小学组"],
            criteria=CRITERIA,
            time_limit_s=300,
            warning_s=60,
            award_first=1,
            award_second=1,
            award_third=1,
            award_merit=1,
        )
        for i, (category, name, unit, title) in enumerate(PERFORMERS, start=1):
            services.performer_add(
                actor=host,
                event=event,
                category=category,
                name=name,
                unit=unit,
                speech_title=title,
                code=f"S{i:02d}",
                now=now,
            )
        for j, user in enumerate(judges, start=1):
            services.seat_add(actor=host, event=event, number=j, name=user.display_name, user=user, is_head=j == 1)
        services.draw_commit(actor=host, event_id=event.pk, public_input_rule="演示：活动前一日福彩3D开奖号码", now=now)
        services.draw_perform(actor=host, event_id=event.pk, public_input="5 8 1", now=now)
    stdout.write(
        f"现场活动：《{event.title}》，主持台 {reverse('stage:host', args=[event.pk])}（city_org），"
        f"评委 judge1…judge7 打开 {reverse('stage:judge', args=[event.pk])}，"
        f"大屏 {reverse('stage:screen', args=[event.pk])}?display={event.display_token}"
    )
    from . import demo_final

    demo_final.seed(ctx, stdout)
