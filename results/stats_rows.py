"""The rows the statistics pages, the xlsx export and the reading statistics show: one per school,
summed into districts and a total. Rates are competitions.rates' (one definition everywhere)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy

from competitions import rates

from .errors import ResultsError


def pass_percent() -> int:
    """及格线 as a percentage of the paper's full marks (settings.RESULTS_PASS_PERCENT, default 60)."""
    return int(getattr(settings, "RESULTS_PASS_PERCENT", 60))


class OutOfScope(ResultsError):
    """The organiser's region does not overlap the contest's audience."""

    code, status, default_message = "out_of_scope", 404, gettext_lazy("该竞赛不在您管理的范围内。")


@dataclass
class Row:
    org_id: int
    name: str
    enrolled: int = 0
    participants: int = 0
    score_sum: Decimal = Decimal(0)
    excellent: int = 0
    passed: int = 0
    awards: dict[str, int] = field(default_factory=dict)

    @property
    def participation_rate(self) -> float | None:
        return rates.participation_rate(self.participants, self.enrolled)

    @property
    def average(self) -> float | None:
        return float(self.score_sum) / self.participants if self.participants else None

    @property
    def excellence_rate(self) -> float | None:
        return rates.excellence_rate(self.excellent, self.participants)

    @property
    def pass_rate(self) -> float | None:
        return rates.rate(self.passed, self.participants)

    @property
    def award_total(self) -> int:
        return sum(self.awards.values())

    def add(self, other: Row) -> None:
        self.enrolled += other.enrolled
        self.participants += other.participants
        self.score_sum += other.score_sum
        self.excellent += other.excellent
        self.passed += other.passed
        for k, v in other.awards.items():
            self.awards[k] = self.awards.get(k, 0) + v


@dataclass
class DistrictStats:
    total: Row
    schools: list[Row]


@dataclass
class ContestStats:
    kind: str  # "knowledge" | "submission"
    contest: object
    total: Row
    districts: list[DistrictStats]
    award_labels: list[tuple[str, str]]  # (key, Chinese label) columns of `awards`
    histogram: list[tuple[str, int]] = field(default_factory=list)
    timeline: list[tuple[str, int]] = field(default_factory=list)
    excellence_percent: int | None = None
    pass_percent: int | None = None

    @property
    def scored(self) -> bool:
        return self.kind == "knowledge"
