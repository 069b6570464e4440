"""Team entries by consent: naming classmates in the team field invites them; they become members only
when they accept, may leave before the deadline, and the field's errors do not tell real usernames
from unknown ones."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from judging import services
from judging.models import Entry, InvitationStatus, TeamInvitation
from judging.services import JudgingError
from tests.factories import ClassFactory, SchoolFactory, Tree, make_student

from .factories import ESSAY, make_contest

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


@pytest.fixture
def contest(tree):
    return make_contest(tree, open_now=True, allow_teams=True, max_team_size=3)


def save(contest, student, team=(), **kw):
    return services.entry_save(
        contest=contest, student=student, title="团队征文", body=ESSAY, pledge_accepted=True, team_usernames=list(team)
    )


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_naming_a_classmate_invites_them_without_making_them_a_member(tree, contest):
    mate = make_student(tree.class_a, username="mate")
    entry, _v = save(contest, tree.student_a, team=["mate"])
    assert list(entry.team_members.all()) == []
    assert TeamInvitation.objects.get(entry=entry, invitee=mate).status == InvitationStatus.PENDING
    # the invitee is not locked out: they can still submit their own entry
    own, _v = save(contest, mate)
    assert own.author == mate
    with pytest.raises(JudgingError) as refused:
        services.team_invitation_accept(student=mate, contest=contest)
    assert refused.value.code == "already_entered"
    assert list(entry.team_members.all()) == []


def test_accepting_makes_the_invitee_a_member_who_can_then_leave(tree, contest):
    mate = make_student(tree.class_a, username="mate")
    entry, _v = save(contest, tree.student_a, team=["mate"])
    services.team_invitation_accept(student=mate, contest=contest)
    assert list(entry.team_members.all()) == [mate]
    services.team_leave(student=mate, contest=contest)
    assert list(entry.team_members.all()) == []
    own, _v = save(contest, mate)  # free again to enter alone
    assert own.author == mate


def test_declined_invitation_adds_nobody(tree, contest):
    mate = make_student(tree.class_a, username="mate")
    entry, _v = save(contest, tree.student_a, team=["mate"])
    services.team_invitation_decline(student=mate, contest=contest)
    assert TeamInvitation.objects.get(entry=entry).status == InvitationStatus.DECLINED
    with pytest.raises(JudgingError):
        services.team_invitation_accept(student=mate, contest=contest)
    assert list(entry.team_members.all()) == []


def test_members_cannot_leave_or_join_after_the_deadline(tree, contest):
    mate, late = make_student(tree.class_a, username="mate"), make_student(tree.class_a, username="late")
    save(contest, tree.student_a, team=["mate", "late"])
    services.team_invitation_accept(student=mate, contest=contest)
    after = contest.closes_at + timedelta(days=1)
    with pytest.raises(JudgingError) as refused:
        services.team_leave(student=mate, contest=contest, now=after)
    assert refused.value.code == "deadline_passed"
    with pytest.raises(JudgingError):
        services.team_invitation_accept(student=late, contest=contest, now=after)
    assert Entry.objects.get(author=tree.student_a).team_members.count() == 1


def test_dropping_a_name_removes_the_member_or_withdraws_the_invitation(tree, contest):
    mate, other = make_student(tree.class_a, username="mate"), make_student(tree.class_a, username="other")
    entry, _v = save(contest, tree.student_a, team=["mate", "other"])
    services.team_invitation_accept(student=mate, contest=contest)
    save(contest, tree.student_a, team=[])
    assert entry.team_members.count() == 0
    assert not TeamInvitation.objects.filter(invitee=other, status=InvitationStatus.PENDING).exists()


def test_team_field_errors_are_identical_for_real_and_unknown_usernames(tree, contest):
    far = ClassFactory(parent=SchoolFactory(), grade=5)  # a school in another city: not in the audience
    make_student(far, username="outsider")

    def message(name):
        with pytest.raises(JudgingError) as refused:
            save(contest, tree.student_a, team=[name])
        return refused.value.code, refused.value.message.replace(name, "NAME")

    assert message("outsider") == message("nobody_such") == message("stu_b_inactive_x")
    assert not Entry.objects.exists()


def test_an_invitee_already_in_another_team_is_refused_only_when_accepting(tree, contest):
    mate = make_student(tree.class_a, username="mate")
    rival = make_student(tree.class_a, username="rival")
    save(contest, rival, team=["mate"])
    services.team_invitation_accept(student=mate, contest=contest)
    entry, _v = save(contest, tree.student_a, team=["mate"])  # same answer as for anyone eligible
    with pytest.raises(JudgingError) as refused:
        services.team_invitation_accept(student=mate, contest=contest)
    assert refused.value.code in ("already_entered", "invitation_not_found")
    assert entry.team_members.count() == 0


def test_invitee_accepts_and_leaves_through_the_pages(tree, contest):
    mate = make_student(tree.class_a, username="mate")
    entry, _v = save(contest, tree.student_a, team=["mate"])
    client = login(mate)
    page = client.get(reverse("judging:entry_edit", args=[contest.pk])).content.decode()
    assert "邀请您加入团队作品" in page and entry.code in page
    assert "有团队邀请待确认" in client.get(reverse("judging:index")).content.decode()
    client.post(reverse("judging:team_action", args=[contest.pk, "accept"]))
    assert list(entry.team_members.all()) == [mate]
    client.post(reverse("judging:team_action", args=[contest.pk, "leave"]))
    assert list(entry.team_members.all()) == []
    assert client.post(reverse("judging:team_action", args=[contest.pk, "nonsense"])).status_code == 403
    assert timezone.now() < contest.closes_at
