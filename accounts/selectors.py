"""Reads about people and the organisation tree, and the server-side scope checks every view uses."""

from __future__ import annotations

from functools import cached_property

from django.db.models import Q, QuerySet

from .models import SCHOOL_KINDS, Membership, Organization, OrgKind, Role, User, path_ids


def under_paths_q(paths, field: str = "", *, column: str = "path") -> Q:
    """Rows whose organisation (reached by `field`, e.g. "memberships__org"; "" for Organization itself)
    lies under any of the materialised `paths`: the one region filter. `column` names a denormalised
    path column instead (Certificate.org_path: field "", column "org_path"). Matches nothing for no paths."""
    key = f"{field}__{column}__startswith" if field else f"{column}__startswith"
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{key: path})
    return q


def student_class(user: User) -> Organization | None:
    """The class a student belongs to (a student has one student membership, a database constraint)."""
    if not user.is_authenticated:
        return None
    membership = Membership.objects.filter(user=user, role=Role.STUDENT).select_related("org").first()
    return membership.org if membership else None


class Scope:
    """What one user may see and manage, computed once per request.

    Organisers manage everything under their node(s). Teachers see their classes (or every class of a
    school they are attached to). Site admins (superusers or admin role) see everything."""

    def __init__(self, user: User):
        self.user = user

    @cached_property
    def memberships(self) -> list[Membership]:
        if not self.user.is_authenticated:
            return []
        return list(self.user.memberships.select_related("org"))

    @cached_property
    def roles(self) -> set[str]:
        roles = {m.role for m in self.memberships}
        if self.user.is_authenticated and self.user.is_superuser:
            roles.add(Role.ADMIN)
        return roles

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def org_paths(self, *roles: str) -> list[str]:
        return [m.org.path for m in self.memberships if m.role in roles and m.org_id]

    @cached_property
    def student_class(self) -> Organization | None:
        """The same class as the module's student_class(), from the memberships already loaded."""
        for m in self.memberships:
            if m.role == Role.STUDENT:
                return m.org
        return None

    @property
    def managed_paths(self) -> list[str]:
        """Subtrees this user administers as organiser."""
        return self.org_paths(Role.ORGANISER)

    @property
    def counselled_school_ids(self) -> list[int]:
        """Schools/stations where this user is a named counsellor (心理老师)."""
        return [m.org_id for m in self.memberships if m.role == Role.COUNSELLOR and m.org_id]

    @property
    def taught_paths(self) -> list[str]:
        return self.org_paths(Role.TEACHER)

    def _within(self, path: str, paths: list[str]) -> bool:
        return any(path.startswith(p) for p in paths)

    def manages(self, org: Organization | None) -> bool:
        if self.is_admin:
            return True
        return org is not None and self._within(org.path, self.managed_paths)

    def teaches(self, org: Organization | None) -> bool:
        return org is not None and self._within(org.path, self.taught_paths)

    def can_view_org(self, org: Organization | None) -> bool:
        return self.manages(org) or self.teaches(org)

    def orgs_q(self, field: str = "", *, roles: tuple[str, ...] = (Role.ORGANISER, Role.TEACHER)) -> Q:
        """A Q filtering rows whose organisation (reached by `field`, e.g. "memberships__org") lies in
        scope. An empty Q-that-matches-nothing when the user has no scope."""
        if self.is_admin:
            return Q()
        return under_paths_q(self.org_paths(*roles), field)

    def visible_orgs(self, *, roles: tuple[str, ...] = (Role.ORGANISER, Role.TEACHER)) -> QuerySet[Organization]:
        return Organization.objects.filter(self.orgs_q(roles=roles))

    def managed_orgs(self) -> QuerySet[Organization]:
        return self.visible_orgs(roles=(Role.ORGANISER,))

    def visible_students(self) -> QuerySet[User]:
        """Students whose class lies in this user's organiser or teacher scope."""
        if self.is_admin:
            return User.objects.filter(memberships__role=Role.STUDENT).distinct()
        paths = self.org_paths(Role.ORGANISER, Role.TEACHER)
        if not paths:
            return User.objects.none()
        return User.objects.filter(
            Q(memberships__role=Role.STUDENT) & under_paths_q(paths, "memberships__org")
        ).distinct()

    def importable_schools(self) -> QuerySet[Organization]:
        """Schools/stations into which this user may import a roster: organisers' subtrees, and
        schools a teacher is attached to (directly or through one of their classes)."""
        school_kinds = SCHOOL_KINDS
        if self.is_admin:
            return Organization.objects.filter(kind__in=school_kinds)
        q = under_paths_q(self.managed_paths)
        teacher_orgs = [m.org for m in self.memberships if m.role == Role.TEACHER and m.org_id]
        for org in teacher_orgs:
            if org.kind in school_kinds:
                q |= Q(pk=org.pk)
            else:
                q |= Q(pk__in=org.ancestor_ids())
        return Organization.objects.filter(q, kind__in=school_kinds)


def scope_for(user: User) -> Scope:
    return Scope(user)


def org_district(org: Organization) -> Organization | None:
    if org.kind == OrgKind.DISTRICT:
        return org
    return org.ancestor_of_kind(OrgKind.DISTRICT)


def org_school(org: Organization) -> Organization | None:
    if org.kind in SCHOOL_KINDS:
        return org
    return Organization.objects.filter(pk__in=org.ancestor_ids(), kind__in=SCHOOL_KINDS).first()


def classes_taught_by(user: User) -> QuerySet[Organization]:
    scope = scope_for(user)
    return Organization.objects.filter(under_paths_q(scope.taught_paths), kind=OrgKind.CLASS).select_related("parent")


def is_site_admin(user: User) -> bool:
    """Superusers and holders of the admin role: the one admin check (Scope.is_admin is the same rule
    over memberships already loaded)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or Membership.objects.filter(user=user, role=Role.ADMIN).exists()


class OrgIndex:
    """School and district of many classes at once, from their materialised paths, with one query for
    the lot (org_school / org_district answer for one organisation)."""

    def __init__(self, org_ids: set[int] | None = None):
        qs = Organization.objects.filter(kind__in=[*SCHOOL_KINDS, OrgKind.DISTRICT])
        if org_ids is not None:
            qs = qs.filter(pk__in=org_ids)
        self.orgs = {o["id"]: (o["kind"], o["name"]) for o in qs.values("id", "kind", "name")}

    @classmethod
    def for_paths(cls, paths: list[str]) -> OrgIndex:
        ids = {pk for path in paths for pk in path_ids(path)}
        return cls(ids)

    def school_and_district(self, path: str | None) -> tuple[tuple[int, str] | None, tuple[int, str] | None]:
        school = district = None
        for pk in path_ids(path):
            found = self.orgs.get(pk)
            if found is None:
                continue
            kind, name = found
            if kind in SCHOOL_KINDS:
                school = (pk, name)
            elif kind == OrgKind.DISTRICT:
                district = (pk, name)
        return school, district
