"""Stage test helpers: an event with the issue's rules (内容 40, 表达 30, 仪态 20, 时间 10), three
categories, performers and a panel, drawn and ready to run."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from stage import services
from stage.access import Actor
from stage.models import Criterion, StageEvent
from tests.factories import Tree, make_judge

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


CRITERIA = [
    services.CriterionSpec("内容", Decimal(40)),
    services.CriterionSpec("表达", Decimal(30)),
    services.CriterionSpec("仪态", Decimal(20)),
    services.CriterionSpec("时间", Decimal(10)),
]


class Stage:
    def __init__(self, *, judges: int = 5, performers: int = 3, draw: bool = True, tree: Tree | None = None, **rules):
        self.tree = tree or Tree()
        self.host = Actor(user=self.tree.city_organiser)
        self.event = services.event_create(
            actor=self.host,
            org=self.tree.city,
            title="老少同台演讲比赛",
            date=date(2026, 12, 5),
            venue="南通市青少年宫",
            categories=["五老组", "中学组", "小学组"],
            criteria=CRITERIA,
            **rules,
        )
        self.performers = [
            services.performer_add(
                actor=self.host,
                event=self.event,
                category="小学组",
                name=f"选手{i + 1}",
                unit=self.tree.school_a.name if i == 0 else f"单位{i + 1}",
                speech_title=f"题目{i + 1}",
                code=f"C{i + 1:02d}",
                now=T0,
            )
            for i in range(performers)
        ]
        self.judge_users = [make_judge(self.tree.city, username=f"stagejudge{j + 1}") for j in range(judges)]
        self.seats = [
            services.seat_add(
                actor=self.host,
                event=self.event,
                number=j + 1,
                name=f"评委{j + 1}",
                user=self.judge_users[j],
                is_head=j == 0,
            )
            for j in range(judges)
        ]
        self.criteria = list(Criterion.objects.filter(event=self.event))
        if draw:
            services.draw_commit(actor=self.host, event_id=self.event.pk, public_input_rule="测试输入", now=T0)
            services.draw_perform(actor=self.host, event_id=self.event.pk, public_input="123", now=T0)
        for p in self.performers:
            p.refresh_from_db()
        self.performers.sort(key=lambda p: p.running_order or 0)

    def refresh(self) -> StageEvent:
        self.event.refresh_from_db()
        return self.event

    def points(self, content, expression=25, manner=15, time=8) -> dict:
        values = [content, expression, manner, time]
        return {str(c.pk): str(v) for c, v in zip(self.criteria, values, strict=True)}

    def open(self, performer, now=T0):
        services.performer_go(actor=self.host, event_id=self.event.pk, to=performer.pk, now=now)
        services.scoring_open(actor=self.host, event_id=self.event.pk, now=now)

    def score_all(self, performer, contents, now=T0):
        for seat, content in zip(self.seats, contents, strict=False):
            services.score_submit(seat=seat, performer_id=performer.pk, points=self.points(content), now=now)
