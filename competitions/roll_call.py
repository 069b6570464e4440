"""Who in a class has not taken a contest yet: not started, or started and not handed in. A teacher reads
it on the class's results and copies the reminder into the class group (a selector; nothing here writes)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, Role, User
from core.errors import NotFound

from .models import Attempt, AttemptState, Contest
from .reports import results_classes


@dataclass
class RollCall:
    klass: Organization
    enrolled: int = 0
    finished: int = 0
    not_started: list[User] = field(default_factory=list)
    unfinished: list[User] = field(default_factory=list)

    @property
    def missing(self) -> list[User]:
        return self.not_started + self.unfinished


def class_roll_call(*, contest: Contest, user: User, class_id: int) -> RollCall:
    """The class must be in the contest's audience and in `user`'s scope (else NotFound)."""
    klass = next((c for c in results_classes(contest=contest, user=user) if c.pk == class_id), None)
    if klass is None:
        raise NotFound(_("该班级不在本竞赛的范围内，或您无权查看。"))
    students = list(
        User.objects.filter(memberships__role=Role.STUDENT, memberships__org=klass).order_by("real_name", "username")
    )
    states: dict[int, set[str]] = {}
    for user_id, state in Attempt.objects.filter(contest=contest, user__in=students).values_list("user_id", "state"):
        states.setdefault(user_id, set()).add(state)
    call = RollCall(klass=klass, enrolled=len(students))
    for student in students:
        seen = states.get(student.pk, set())
        if AttemptState.FINALISED in seen:
            call.finished += 1
        elif seen:
            call.unfinished.append(student)
        else:
            call.not_started.append(student)
    return call


def reminder_text(*, contest: Contest, call: RollCall, login_url: str) -> str:
    """The message a teacher pastes into the class's group chat."""
    names = "、".join(s.display_name for s in call.missing)
    closes = timezone.localtime(contest.closes_at).strftime("%m月%d日 %H:%M")
    return _(
        "【提醒】{klass}：“{title}”将于 {closes} 截止，以下同学还没有完成：{names}。请尽快登录 {url} 完成答题。"
    ).format(klass=call.klass.name_with_school, title=contest.title, closes=closes, names=names, url=login_url)
