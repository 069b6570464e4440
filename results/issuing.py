"""Issuing certificates: deterministic codes, and idempotent issuing to every holder a contest warrants —
persons with an account, units (a school or station entering as itself; the certificate carries the unit's
name), and persons without an account (stage performers, recorded by name)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organization, OrgKind, Role, User

from .models import Certificate, CertificateTemplate, HolderKind

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: codes are typed in by hand
CODE_LENGTH = 12


@dataclass(frozen=True)
class Eligible:
    """One holder a template should certify, as computed by results.sources: a person with an account
    (`holder_id`), or — built with `for_unit` / `for_person` — a unit or a person without an account, who
    are told apart within the template by `holder_key`."""

    holder_id: int | None
    award_text: str
    score: Decimal | None = None
    rank: int | None = None
    holder_kind: str = HolderKind.USER
    holder_key: str = ""
    holder_name: str = ""
    org_id: int | None = None  # unit: the unit; person: where they belong (zips by school or district)

    @classmethod
    def for_unit(cls, unit_id: int, award_text: str, score=None, rank=None) -> Eligible:
        return cls(None, award_text, score, rank, HolderKind.UNIT, f"unit:{unit_id}", "", unit_id)

    @classmethod
    def for_person(cls, key: str, name: str, award_text: str, *, org_id=None, score=None, rank=None) -> Eligible:
        return cls(None, award_text, score, rank, HolderKind.PERSON, key[:64], name[:50], org_id)


def certificate_code_for(*, template_id: int, holder_id: int | str, kind: str) -> str:
    """Deterministic, unguessable code: an HMAC of (template, holder, kind) under SECRET_KEY — the holder
    being a user id, or the holder key of a unit or account-less person. The row stores it, so
    regenerating — even after the row was deleted — yields the same code."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"certificate:{template_id}:{holder_id}:{kind}".encode(), hashlib.sha256
    ).digest()
    n = int.from_bytes(digest[:10], "big")
    chars = []
    for _i in range(CODE_LENGTH):
        n, r = divmod(n, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[r])
    raw = "".join(chars)
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalize_code(code: str) -> str:
    """Accept codes typed in lower case or without dashes; anything else normalises to ""."""
    raw = "".join(ch for ch in (code or "").upper() if ch.isascii() and ch.isalnum())
    if len(raw) != CODE_LENGTH:
        return ""
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


# --- issuing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueResult:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


CHUNK = 5000  # ids per IN (...) list: well inside SQLite's and PostgreSQL's parameter limits
SNAPSHOT_FIELDS = ("holder_name", "school_name", "contest_title", "award_text", "score", "rank", "org_id", "org_path")


def _chunks(ids: list[int]):
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _holder_places(holder_ids: list[int]) -> tuple[dict[int, str], dict[int, Organization], dict[int, str]]:
    """(holder → display name, holder → class, class id → school name) in a few queries per 5,000
    holders, reading plain values rather than model instances."""
    names: dict[int, str] = {}
    class_of: dict[int, int] = {}
    for chunk in _chunks(holder_ids):
        for pk, real_name, username in User.objects.filter(pk__in=chunk).values_list("pk", "real_name", "username"):
            names[pk] = real_name or username
        class_of.update(
            Membership.objects.filter(user_id__in=chunk, role=Role.STUDENT, org__isnull=False).values_list(
                "user_id", "org_id"
            )
        )
    orgs = Organization.objects.only("pk", "name", "kind", "path", "parent_id").in_bulk(set(class_of.values()))
    parents = Organization.objects.only("pk", "name", "kind").in_bulk({o.parent_id for o in orgs.values()} - {None})
    school_name: dict[int, str] = {}
    for org in orgs.values():
        if org.kind in (OrgKind.SCHOOL, OrgKind.STATION):
            school_name[org.pk] = org.name
        else:
            parent = parents.get(org.parent_id)
            school_name[org.pk] = parent.name if parent and parent.kind in (OrgKind.SCHOOL, OrgKind.STATION) else ""
    holder_class = {uid: orgs[oid] for uid, oid in class_of.items() if oid in orgs}
    return names, holder_class, school_name


def _keyed_snapshots(eligible: list[Eligible], contest_title: str) -> dict[str, tuple[Eligible, dict]]:
    """holder_key → (eligible, snapshot) for units and account-less persons."""
    orgs = Organization.objects.only("pk", "name", "kind", "path").in_bulk({e.org_id for e in eligible} - {None})
    out = {}
    for e in eligible:
        org = orgs.get(e.org_id)
        if e.holder_kind == HolderKind.UNIT and org is None:
            continue
        name = org.name if e.holder_kind == HolderKind.UNIT else e.holder_name
        school = org.name if org and e.holder_kind == HolderKind.PERSON and org.kind in UNIT_KINDS else ""
        out[e.holder_key] = (e, _snapshot(e, name, school, contest_title, org))
    return out


UNIT_KINDS = (OrgKind.SCHOOL, OrgKind.STATION)


def _snapshot(e: Eligible, name: str, school: str, contest_title: str, org) -> dict:
    return {
        "holder_name": name[:50],
        "school_name": school,
        "contest_title": contest_title,
        "award_text": e.award_text,
        "score": None if e.score is None else Decimal(e.score).quantize(Decimal("0.01")),
        "rank": e.rank,
        "org_id": org.pk if org else None,
        "org_path": org.path if org else "",
    }


def certificates_issue(*, template: CertificateTemplate, eligible: list[Eligible]) -> IssueResult:
    """Issue (or refresh) one certificate per eligible holder. Idempotent: the same (template, holder,
    kind) always keeps its row and its code; a revoked certificate stays revoked; rows whose snapshot
    did not change are not written. The number of queries grows only per 5,000 holders."""
    if not eligible:
        return IssueResult(0, 0, 0)
    keyed = [e for e in eligible if e.holder_kind != HolderKind.USER]
    eligible = [e for e in eligible if e.holder_kind == HolderKind.USER]
    holder_ids = list(dict.fromkeys(e.holder_id for e in eligible))
    names, holder_class, school_name = _holder_places(holder_ids)
    contest_title = template.contest_title
    rows = Certificate.objects.filter(template=template, kind=template.kind).values(
        "pk", "holder_id", "holder_key", *SNAPSHOT_FIELDS
    )
    existing, existing_keyed = {}, {}
    for row in rows:
        if row["holder_id"] is None:
            existing_keyed[row["holder_key"]] = row
        else:
            existing[row["holder_id"]] = row
    now = timezone.now()
    to_create, to_update, unchanged = [], [], 0
    for key, (e, snapshot) in _keyed_snapshots(keyed, contest_title).items():
        row = existing_keyed.get(key)
        if row is None:
            code = certificate_code_for(template_id=template.pk, holder_id=key, kind=template.kind)
            holder_org = e.org_id if e.holder_kind == HolderKind.UNIT else None
            to_create.append(
                Certificate(
                    template=template,
                    holder_kind=e.holder_kind,
                    holder_key=key,
                    holder_org_id=holder_org,
                    kind=template.kind,
                    code=code,
                    **snapshot,
                )  # fmt: skip
            )
        elif any(row[k] != v for k, v in snapshot.items()):
            to_update.append(Certificate(pk=row["pk"], updated_at=now, **snapshot))
        else:
            unchanged += 1
    for e in eligible:
        name = names.get(e.holder_id)
        if name is None:
            continue
        org = holder_class.get(e.holder_id)
        snapshot = {
            "holder_name": name,
            "school_name": school_name.get(org.pk, "") if org else "",
            "contest_title": contest_title,
            "award_text": e.award_text,
            "score": None if e.score is None else Decimal(e.score).quantize(Decimal("0.01")),
            "rank": e.rank,
            "org_id": org.pk if org else None,
            "org_path": org.path if org else "",
        }
        row = existing.get(e.holder_id)
        if row is None:
            code = certificate_code_for(template_id=template.pk, holder_id=e.holder_id, kind=template.kind)
            to_create.append(
                Certificate(template=template, holder_id=e.holder_id, kind=template.kind, code=code, **snapshot)
            )
        elif any(row[k] != v for k, v in snapshot.items()):
            to_update.append(Certificate(pk=row["pk"], updated_at=now, **snapshot))
        else:
            unchanged += 1
    with transaction.atomic():
        Certificate.objects.bulk_create(to_create, batch_size=1000)
        # bulk_update builds one CASE per column per batch: small batches keep each statement cheap
        Certificate.objects.bulk_update(to_update, [*SNAPSHOT_FIELDS, "updated_at"], batch_size=200)
    return IssueResult(created=len(to_create), updated=len(to_update), unchanged=unchanged)


def certificate_issue(
    *, template: CertificateTemplate, holder: User, award_text: str, score=None, rank=None
) -> Certificate:
    certificates_issue(
        template=template, eligible=[Eligible(holder_id=holder.pk, award_text=award_text, score=score, rank=rank)]
    )
    return Certificate.objects.get(template=template, holder=holder, kind=template.kind)
