"""Who may do what in the question bank: authors are teachers/organisers/admins; reviewers hold
Membership.can_review_questions as a teacher or organiser, or are site admins; the four-eyes rule
(self_review_allowed) follows the nearest ReviewPolicy. Reads only, so services, secrecy, selectors and
views share one rule set."""

from __future__ import annotations

from django.db.models import Q

from accounts.models import Membership, Organization, Role, User
from accounts.selectors import is_site_admin

from .models import Question, QuestionStatus, ReviewPolicy


def self_review_allowed(user: User) -> bool:
    """Whether `user` may approve questions they wrote. The nearest ReviewPolicy above any organisation
    where they review (their membership's node or an ancestor) decides; without one, no (four eyes)."""
    reviewing = Membership.objects.filter(user=user, org__isnull=False).filter(
        Q(role__in=[Role.TEACHER, Role.ORGANISER], can_review_questions=True) | Q(role=Role.ADMIN)
    )
    orgs = [m.org for m in reviewing.select_related("org")]
    if user.is_superuser and not orgs:
        orgs = list(Organization.objects.filter(parent__isnull=True))
    ancestor_ids = {pk for org in orgs for pk in org.ancestor_ids()}
    policies = {
        p.org_id: p.allow_self_review for p in ReviewPolicy.objects.filter(org_id__in=ancestor_ids).only("org_id")
    }
    for org in orgs:
        nearest = next((policies[pk] for pk in reversed(org.ancestor_ids()) if pk in policies), False)
        if nearest:
            return True
    return False


def can_approve(user: User, question: Question) -> bool:
    return can_review(user) and (question.author_id != user.pk or self_review_allowed(user))


def can_review(user: User) -> bool:
    if not user.is_authenticated:
        return False
    if is_site_admin(user):
        return True
    return Membership.objects.filter(
        user=user, role__in=[Role.TEACHER, Role.ORGANISER], can_review_questions=True
    ).exists()


def can_author(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return is_site_admin(user) or Membership.objects.filter(user=user, role__in=[Role.TEACHER, Role.ORGANISER]).exists()


def can_manage_topics(user: User) -> bool:
    return user.is_authenticated and (
        is_site_admin(user) or Membership.objects.filter(user=user, role=Role.ORGANISER).exists()
    )


def can_edit(user: User, question: Question) -> bool:
    """Authors edit their own drafts; reviewers edit anything not retired (a published edit makes a new
    revision at once)."""
    if question.status == QuestionStatus.RETIRED:
        return False
    if can_review(user):
        return True
    return question.author_id == user.pk and question.status == QuestionStatus.DRAFT
