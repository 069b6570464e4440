"""Judging duties for accounts.duties: the owner regions of the contests whose panels (rounds) a user
sits on or whose entries they were assigned."""

from django.db.models import Q

from accounts.duties import duty_source
from accounts.models import Organization

from .models import SubmissionContest


@duty_source
def judging_duty_orgs(user):
    contests = SubmissionContest.objects.filter(Q(rounds__judges=user) | Q(rounds__assignments__judge=user))
    return Organization.objects.filter(pk__in=contests.values("owner_org_id"))
