"""A knowledge final with 4 teams and one round of each kind, for the final's tests."""

from __future__ import annotations

from datetime import date

from stage import services
from stage.access import Actor
from stage.models import RoundKind, Team
from tests.factories import Tree

from .factories import T0, at  # noqa: F401

OPTIONS = [{"key": "A", "text": "宪法"}, {"key": "B", "text": "民法典"}, {"key": "C", "text": "刑法"}]


class Final:
    def __init__(self, *, tree: Tree | None = None):
        self.tree = tree or Tree()
        self.host = Actor(user=self.tree.city_organiser)
        self.event = services.final_create(
            actor=self.host, org=self.tree.city, title="法治知识竞赛决赛", date=date(2026, 12, 5)
        )
        self.teams = [
            services.team_add(actor=self.host, event=self.event, number=i + 1, name=f"{i + 1}队", school=f"学校{i + 1}")
            for i in range(4)
        ]
        self.devices = [Actor(team=t) for t in self.teams]
        self.required = services.round_add(actor=self.host, event=self.event, kind=RoundKind.REQUIRED, title="必答题")
        self.buzzer = services.round_add(
            actor=self.host, event=self.event, kind=RoundKind.BUZZER, title="抢答题", buzz_window_s=10, penalty=10
        )
        self.risk = services.round_add(actor=self.host, event=self.event, kind=RoundKind.RISK, title="风险题")

    def question(self, round_, *, team: Team | None = None, qtype="single", answer=("A",)):
        return services.question_add(
            actor=self.host,
            round_=round_,
            stem="我国的根本大法是？",
            qtype=qtype,
            options=OPTIONS if qtype != "oral" else [],
            answer=list(answer) if qtype != "oral" else None,
            answer_text="宪法",
            team=team,
        )

    def step(self, q, step, seconds=0.0):
        return services.question_step(
            actor=self.host, event_id=self.event.pk, question_id=q.pk, step=step, now=at(seconds)
        )

    def open(self, q, seconds=0.0):
        self.step(q, "select", seconds)
        if q.round.kind == RoundKind.BUZZER:
            self.step(q, "show", seconds)
            return q
        return self.step(q, "open", seconds)
