"""Reads for certificates."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import SCHOOL_KINDS, Membership, OrgKind, User, path_ids
from accounts.selectors import Scope, under_paths_q

from .issuing import normalize_code
from .models import Certificate, CertificateBatch, CertificateTemplate


def certificate_by_code(code: str) -> Certificate | None:
    code = normalize_code(code)
    if not code:
        return None
    return Certificate.objects.filter(code=code).first()


UNIT_STAFF_ROLES = ("teacher", "counsellor", "volunteer", "organiser")


def staffed_unit_ids(user: User) -> set[int]:
    """The schools and stations `user` works at: a unit's certificates are theirs to download."""
    ids: set[int] = set()
    memberships = Membership.objects.filter(user=user, role__in=UNIT_STAFF_ROLES, org__isnull=False).select_related(
        "org"
    )
    for m in memberships:
        if m.org.kind in SCHOOL_KINDS:
            ids.add(m.org_id)
        elif m.org.kind == OrgKind.CLASS and m.org.parent_id:
            ids.add(m.org.parent_id)
    return ids


def certificates_for_holder(user: User) -> QuerySet[Certificate]:
    """The user's own certificates and those of the units they work at."""
    q = Q(holder=user)
    units = staffed_unit_ids(user)
    if units:
        q |= Q(holder_org_id__in=units)
    return Certificate.objects.filter(q).select_related("template").order_by("-created_at", "-id")


def templates_visible(scope: Scope) -> QuerySet[CertificateTemplate]:
    """Templates owned by a node above or below one of the user's organiser/teacher nodes: a district
    organiser or a class teacher works with the certificates of a city-wide contest for their part."""
    if scope.is_admin:
        return CertificateTemplate.objects.all()
    paths = scope.org_paths("organiser", "teacher")
    above = [pk for path in paths for pk in path_ids(path)]
    return CertificateTemplate.objects.filter(Q(org_id__in=above) | under_paths_q(paths, "org"))


def can_download(scope: Scope, cert: Certificate) -> bool:
    """Holders download their own; organisers managing the template's region or the holder's class,
    and teachers of the holder's class, download theirs."""
    if cert.holder_id is not None and cert.holder_id == scope.user.pk:
        return True
    if cert.holder_org_id is not None and cert.holder_org_id in staffed_unit_ids(scope.user):
        return True
    if scope.is_admin or scope.manages(cert.template.org):
        return True
    return bool(cert.org_path) and any(cert.org_path.startswith(p) for p in scope.org_paths("organiser", "teacher"))


def certificates_in_scope(scope: Scope, template: CertificateTemplate) -> QuerySet[Certificate]:
    qs = Certificate.objects.filter(template=template)
    if scope.is_admin or scope.manages(template.org):
        return qs
    return qs.filter(under_paths_q(scope.org_paths("organiser", "teacher"), column="org_path"))


def batches_for(scope: Scope, template: CertificateTemplate) -> QuerySet[CertificateBatch]:
    return CertificateBatch.objects.filter(template=template, requested_by=scope.user).select_related("org")[:10]


def contests_for_stats(scope: Scope, model) -> QuerySet:
    """Contests of `model` whose owner region overlaps the organiser's: their own and their
    subtree's contests, and contests of a node above them (a city contest, seen by a district)."""
    if scope.is_admin:
        return model.objects.all()
    paths = scope.managed_paths
    above = [pk for path in paths for pk in path_ids(path)]
    return model.objects.filter(Q(owner_org_id__in=above) | under_paths_q(paths, "owner_org"))
