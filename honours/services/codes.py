"""Family voting codes: one per family, batch-issued per class from the roster. Siblings (students sharing
accounts' `User.family_key`) are one family: the first of their classes to be issued prints the family's
code, naming every child of the family in the campaign's region; a sibling's class issues none. A student
without a family key is a family of their own. Only a keyed hash of each code is stored; the plain codes
exist once, on the printed slips."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Membership, Organization, OrgKind, Role, User
from accounts.selectors import Scope

from ..errors import HonoursError
from ..models import Campaign, VoteCode, VoteCodeBatch, VoteCodeFamily
from .voting import CODE_ALPHABET, CODE_LENGTH, code_hash

COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "司徒", "夏侯")


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def given_name(name: str) -> str:
    """A slip names a child's siblings by given name only: 王小红 → 小红, 欧阳娜娜 → 娜娜."""
    if len(name) > 2 and name.startswith(COMPOUND_SURNAMES):
        return name[2:]
    if len(name) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in name):
        return name[1:]
    return name


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


@dataclass
class FamilySlip:
    name: str  # the child of this class the slip goes home with
    code: str
    siblings: list[str] = field(default_factory=list)  # given names of the family's other children


@dataclass
class IssuedBatch:
    batch: VoteCodeBatch
    slips: list[FamilySlip]
    students: int  # the class's students
    sibling_skipped: int  # students whose family already holds this campaign's code (or got it on this batch)


def _family_children(campaign: Campaign, keys: set[str]) -> dict[str, list[tuple[int, str]]]:
    """family key → [(user id, name)] of the students of the campaign's region in those families."""
    children: dict[str, list[tuple[int, str]]] = {}
    if not keys:
        return children
    rows = (
        Membership.objects.filter(
            role=Role.STUDENT, user__family_key__in=keys, org__path__startswith=campaign.owner_org.path
        )
        .order_by("org__path", "user__real_name", "user_id")
        .values_list("user__family_key", "user_id", "user__real_name", "user__username")
    )
    for key, user_id, real_name, username in rows:
        children.setdefault(key, []).append((user_id, real_name or username))
    return children


def vote_code_batch_issue(
    *, campaign: Campaign, klass: Organization, now: datetime, actor: User | None = None, scope: Scope | None = None
) -> IssuedBatch:
    """Issue the class's batch, once per class and campaign: one code per family of its students whose
    family has no code of this campaign yet. `scope` None means a trusted caller (the management command)."""
    if klass.kind != OrgKind.CLASS:
        raise HonoursError(_("只能按班级发放投票码。"))
    if scope is not None and not (scope.manages(klass) or scope.teaches(klass)):
        raise PermissionDenied
    with transaction.atomic():
        # families span classes: one issuer per campaign at a time, so two siblings' classes issued at
        # once cannot both print the family's code
        Campaign.objects.select_for_update().get(pk=campaign.pk)
        if VoteCodeBatch.objects.filter(campaign=campaign, klass=klass).exists():
            # a second batch would give every family a second code, i.e. twice the votes
            raise HonoursError(
                _("%(name)s 已发放过投票码（每户一码），不能重复发放。") % {"name": klass.name},
                code="codes_already_issued",
                status=409,
            )
        students = list(
            Membership.objects.filter(role=Role.STUDENT, org=klass)
            .select_related("user")
            .order_by("user__real_name", "user_id")
        )
        keys = {m.user.family_key for m in students if m.user.family_key}
        covered = set(
            VoteCodeFamily.objects.filter(campaign=campaign, family_key__in=keys).values_list("family_key", flat=True)
        )
        holders, new_families = [], []
        for m in students:
            key = m.user.family_key
            if key and key in covered:
                continue
            if key:
                covered.add(key)
                new_families.append(key)
            holders.append(m)
        batch = VoteCodeBatch.objects.create(
            campaign=campaign,
            klass=klass,
            issued_by=actor,
            issued_at=now,
            size=len(holders),
            students=len(students),
            sibling_skipped=len(students) - len(holders),
        )
        VoteCodeFamily.objects.bulk_create(
            [VoteCodeFamily(campaign=campaign, family_key=key, batch=batch) for key in new_families], batch_size=1000
        )
        children = _family_children(campaign, set(new_families))
        rows, slips, seen = [], [], set()
        for m in holders:
            code = _new_code()
            while code in seen:
                code = _new_code()
            seen.add(code)
            rows.append(
                VoteCode(batch=batch, campaign=campaign, code_hash=code_hash(campaign_id=campaign.pk, code=code))
            )
            siblings = [given_name(n) for uid, n in children.get(m.user.family_key or "", []) if uid != m.user_id]
            slips.append(FamilySlip(name=m.user.display_name, code=code, siblings=siblings))
        VoteCode.objects.bulk_create(rows, batch_size=1000)
    return IssuedBatch(batch=batch, slips=slips, students=len(students), sibling_skipped=batch.sibling_skipped)


def vote_codes_issue(
    *, campaign: Campaign, klass: Organization, now: datetime, actor: User | None = None, scope: Scope | None = None
) -> tuple[VoteCodeBatch, list[tuple[str, str]]]:
    """`vote_code_batch_issue` as (batch, [(child's name, code)])."""
    issued = vote_code_batch_issue(campaign=campaign, klass=klass, now=now, actor=actor, scope=scope)
    return issued.batch, [(s.name, s.code) for s in issued.slips]
