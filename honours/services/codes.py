"""Family voting codes: one per student's family, batch-issued per class from the roster. Only a keyed
hash is stored; the plain codes exist once, on the printed slips."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Membership, Organization, OrgKind, Role, User
from accounts.selectors import Scope

from ..errors import HonoursError
from ..models import Campaign, VoteCode, VoteCodeBatch
from .voting import CODE_ALPHABET, CODE_LENGTH, code_hash


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def vote_codes_issue(
    *, campaign: Campaign, klass: Organization, now: datetime, actor: User | None = None, scope: Scope | None = None
) -> tuple[VoteCodeBatch, list[tuple[str, str]]]:
    """Issue one code per student enrolled in `klass`, once per class and campaign. Returns the batch and
    [(student name, code)] for printing. `scope` None means a trusted caller (the management command)."""
    if klass.kind != OrgKind.CLASS:
        raise HonoursError(_("只能按班级发放投票码。"))
    if scope is not None and not (scope.manages(klass) or scope.teaches(klass)):
        raise PermissionDenied
    students = list(
        Membership.objects.filter(role=Role.STUDENT, org=klass)
        .select_related("user")
        .order_by("user__real_name", "user_id")
    )
    codes: list[tuple[str, str]] = []
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=klass.pk)  # one issuer per class at a time
        if VoteCodeBatch.objects.filter(campaign=campaign, klass=klass).exists():
            # a second batch would give every family a second code, i.e. twice the votes
            raise HonoursError(
                _("%(name)s 已发放过投票码（每户一码），不能重复发放。") % {"name": klass.name},
                code="codes_already_issued",
                status=409,
            )
        batch = VoteCodeBatch.objects.create(
            campaign=campaign, klass=klass, issued_by=actor, issued_at=now, size=len(students)
        )
        rows = []
        seen = set()
        for m in students:
            code = _new_code()
            while code in seen:
                code = _new_code()
            seen.add(code)
            rows.append(
                VoteCode(batch=batch, campaign=campaign, code_hash=code_hash(campaign_id=campaign.pk, code=code))
            )
            codes.append((m.user.display_name, code))
        VoteCode.objects.bulk_create(rows, batch_size=1000)
    return batch, codes
