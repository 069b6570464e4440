"""One test per role × another region's object on the accounts pages: organisation list, roster import,
and admin. Every answer is 403/404 or the object is simply not there."""

import pytest
from django.urls import reverse

from accounts.models import Membership, Organization, User
from tests.accounts.factories import xlsx_upload
from tests.factories import Tree

pytestmark = pytest.mark.django_db

ROLES = ["student_a", "teacher_a", "judge", "organiser_a"]
OTHER_REGION_NAMES = ["海安市实验小学", "城东镇", "五（2）班", "李小红"]


@pytest.fixture
def tree():
    return Tree()


def snapshot():
    return (
        sorted(User.objects.values_list("username", flat=True)),
        Membership.objects.count(),
        Organization.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
def test_organisation_list_never_shows_another_region(client, tree, role):
    client.force_login(getattr(tree, role))
    response = client.get(reverse("accounts:organisation_list"))
    if role in ("student_a", "judge"):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert "五（1）班" in page  # their own class is listed
    assert not any(name in page for name in OTHER_REGION_NAMES)


@pytest.mark.parametrize("role", ROLES)
def test_roster_import_into_another_regions_school_is_refused(client, tree, role):
    client.force_login(getattr(tree, role))
    before = snapshot()
    rows = [["外区学生", "99001", "海安市实验小学", "五年级", "五（2）班", "", ""]]
    response = client.post(reverse("accounts:roster_import"), {"file": xlsx_upload(rows)})
    if role in ("student_a", "judge"):
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
        preview_page = client.get(response["Location"]).content.decode()
        assert "找不到该学校，或您无权向该学校导入学生。" in preview_page
        assert client.post(reverse("accounts:roster_import_confirm", args=[token])).status_code == 409
        # picking the school on the form instead is refused too
        response = client.post(
            reverse("accounts:roster_import"), {"file": xlsx_upload(rows), "school": tree.school_b.pk}
        )
        assert response.status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_admin_pages_of_another_regions_objects_are_404_even_for_staff(client, tree, role):
    user = getattr(tree, role)
    user.is_staff = True  # the worst case: every role has been given admin access by mistake
    user.save()
    client.force_login(user)
    targets = [
        reverse("admin:accounts_organization_change", args=[tree.school_b.pk]),
        reverse("admin:accounts_user_change", args=[tree.student_b.pk]),
        reverse("admin:accounts_membership_change", args=[tree.student_b.memberships.get().pk]),
    ]
    for target in targets:
        assert client.get(target).status_code == 404, target
    changelist = client.get(reverse("admin:accounts_organization_changelist"))
    assert changelist.status_code in (200, 403)
    assert "海安市实验小学" not in changelist.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_admin_is_closed_to_non_staff_whatever_their_role(client, tree, role):
    client.force_login(getattr(tree, role))
    response = client.get(reverse("admin:accounts_organization_change", args=[tree.school_b.pk]))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
