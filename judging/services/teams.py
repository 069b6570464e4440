"""Team entries by consent: the author invites, the invitee accepts before becoming a member, and a
member may leave (or the author drop a member) until the deadline.

The team field answers every username it cannot invite — unknown, not in the contest's audience — with
one and the same message, so the field cannot be used to find out which usernames exist. Whether an
invitee already takes part elsewhere is checked when they accept (they know their own entries)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ..entrants import person_kind
from ..models import Entry, InvitationStatus, SubmissionContest, TeamInvitation
from .errors import JudgingError


def _open_for_changes(contest: SubmissionContest, now) -> None:
    if contest.deadline_passed(now):
        raise JudgingError("deadline_passed", _("提交截止时间已过，团队不能再变动。"), 409)


def team_check_invitees(*, contest: SubmissionContest, author: User, usernames: list[str]) -> list[User]:
    """The people (students, or adults for an adults' contest) the team field names, or JudgingError. Unknown and ineligible usernames get the same
    error, listing them exactly as typed."""
    usernames = list(dict.fromkeys(u.strip() for u in usernames if u and u.strip()))
    if not usernames:
        return []
    if not contest.allow_teams:
        raise JudgingError("teams_not_allowed", _("本次比赛不接受团队作品。"))
    if author.username in usernames:
        raise JudgingError("team_member_self", _("团队成员中不要填写作者本人。"))
    if len(usernames) + 1 > contest.max_team_size:
        raise JudgingError("team_too_large", _("团队最多 %(n)s 人（含作者）。") % {"n": contest.max_team_size})
    found = {u.username: u for u in User.objects.filter(username__in=usernames, is_active=True)}
    invitable = {name: user for name, user in found.items() if person_kind(user, contest) is not None}
    refused = [name for name in usernames if name not in invitable]
    if refused:
        raise JudgingError(
            "team_member_invalid",
            _("无法邀请：%(u)s。请核对账号（须是本次比赛参赛范围内的同学）。") % {"u": "、".join(refused)},
        )
    return [invitable[name] for name in usernames]


def team_sync(*, entry: Entry, invitees: list[User], now=None) -> None:
    """Make the entry's team (members and pending invitations) the given people: new names are invited,
    names left out are dropped (members removed, invitations withdrawn). Caller holds the entry lock."""
    now = now or timezone.now()
    wanted = {u.pk: u for u in invitees}
    entry.team_members.remove(*[m for m in entry.team_members.all() if m.pk not in wanted])
    entry.invitations.filter(status=InvitationStatus.PENDING).exclude(invitee_id__in=wanted).delete()
    members = set(entry.team_members.values_list("pk", flat=True))
    for user in wanted.values():
        if user.pk in members:
            continue
        TeamInvitation.objects.update_or_create(
            entry=entry,
            invitee=user,
            defaults={"status": InvitationStatus.PENDING, "responded_at": None},
        )


@transaction.atomic
def team_invitation_accept(*, student: User, contest: SubmissionContest, now=None) -> Entry:
    """The invitee joins the entry that invited them to `contest`. Refused after the deadline, or when
    they already have an entry of their own or belong to another team."""
    now = now or timezone.now()
    _open_for_changes(contest, now)
    invitation = (
        TeamInvitation.objects.select_for_update()
        .filter(invitee=student, entry__contest=contest, status=InvitationStatus.PENDING)
        .select_related("entry")
        .first()
    )
    if invitation is None:
        raise JudgingError("invitation_not_found", _("没有待确认的团队邀请。"), 404)
    if Entry.objects.filter(contest=contest).filter(Q(author=student) | Q(team_members=student)).exists():
        raise JudgingError("already_entered", _("您已参加了本次比赛的另一份作品，不能再加入团队。"), 409)
    entry = Entry.objects.select_for_update().get(pk=invitation.entry_id)
    if entry.team_members.count() + 2 > contest.max_team_size:  # the author, the members, and this one
        raise JudgingError("team_too_large", _("团队已满（最多 %(n)s 人）。") % {"n": contest.max_team_size}, 409)
    entry.team_members.add(student)
    invitation.status, invitation.responded_at = InvitationStatus.ACCEPTED, now
    invitation.save(update_fields=["status", "responded_at"])
    # one team per contest: the other invitations to this contest lapse
    TeamInvitation.objects.filter(invitee=student, entry__contest=contest, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.DECLINED, responded_at=now
    )
    return entry


@transaction.atomic
def team_invitation_decline(*, student: User, contest: SubmissionContest, now=None) -> None:
    now = now or timezone.now()
    updated = TeamInvitation.objects.filter(
        invitee=student, entry__contest=contest, status=InvitationStatus.PENDING
    ).update(status=InvitationStatus.DECLINED, responded_at=now)
    if not updated:
        raise JudgingError("invitation_not_found", _("没有待确认的团队邀请。"), 404)


@transaction.atomic
def team_leave(*, student: User, contest: SubmissionContest, now=None) -> None:
    """A member leaves the team entry before the deadline (the author cannot leave their own entry)."""
    now = now or timezone.now()
    _open_for_changes(contest, now)
    entry = Entry.objects.select_for_update().filter(contest=contest, team_members=student).first()
    if entry is None:
        raise JudgingError("not_a_member", _("您不是本次比赛任何团队作品的成员。"), 404)
    entry.team_members.remove(student)
    entry.invitations.filter(invitee=student).delete()
