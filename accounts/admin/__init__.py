"""Admin for people and the organisation tree, scoped like every other page.

Superusers (and holders of the site-admin role) see everything. An organiser who is staff sees only the
rows under the node(s) they administer and cannot save or delete anything outside that subtree; an object
outside it answers 404 rather than the admin's "does not exist" redirect.

Modules: `scoping` (the mixin every admin here uses), `organisations` (the tree and its spreadsheet
import/export), `people` (users and memberships), `credentials` (API tokens, initial passwords, enrolment
snapshots), `volunteers` (五老 volunteers' profiles). Importing this package registers them all."""

from .credentials import ApiTokenAdmin, EnrolmentSnapshotAdmin, InitialPasswordAdmin
from .organisations import OrganizationAdmin, OrganizationResource
from .people import MembershipAdmin, MembershipInline, UserAdmin
from .scoping import PERMISSIONS_SECTION, ScopedAdminMixin
from .volunteers import VolunteerProfileAdmin

__all__ = [
    "PERMISSIONS_SECTION",
    "ApiTokenAdmin",
    "EnrolmentSnapshotAdmin",
    "InitialPasswordAdmin",
    "MembershipAdmin",
    "MembershipInline",
    "OrganizationAdmin",
    "OrganizationResource",
    "ScopedAdminMixin",
    "UserAdmin",
    "VolunteerProfileAdmin",
]
