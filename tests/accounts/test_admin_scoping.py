"""The Django admin for accounts models is scoped: an organiser of 如东县 never sees or changes 海安市."""

import pytest
from django.contrib import admin as django_admin
from django.test import RequestFactory
from django.urls import reverse

from accounts.admin import UserAdmin
from accounts.models import ApiToken, Membership, Organization, OrgKind, Role, User
from tests.factories import Tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    tree = Tree()
    for user in (tree.organiser_a, tree.organiser_b, tree.city_organiser):
        user.is_staff = True
        user.save()
    return tree


def url(model, action, *args):
    return reverse(f"admin:accounts_{model._meta.model_name}_{action}", args=args)


def form_data(response) -> dict:
    """POST data equal to what the change form shows, inline management forms included."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, list | tuple) or hasattr(value, "all"):
            continue
        data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for index, inline_form in enumerate(formset.forms):
            if inline_form.instance.pk:
                data[f"{formset.prefix}-{index}-id"] = inline_form.instance.pk
    data["_save"] = "保存"
    return data


# --- changelists --------------------------------------------------------------------------------------


def test_organisation_changelist_lists_only_the_organisers_subtree(client, tree):
    client.force_login(tree.organiser_a)
    page = client.get(url(Organization, "changelist")).content.decode()
    assert "如东县实验小学" in page and "五（1）班" in page
    assert "海安市实验小学" not in page and "城东镇" not in page and "五（2）班" not in page


def test_user_changelist_lists_only_people_of_the_subtree(client, tree):
    client.force_login(tree.organiser_a)
    page = client.get(url(User, "changelist")).content.decode()
    assert "stu_a" in page and "tea_a" in page
    for other in ("stu_b", "tea_b", "org_b", "org_city"):
        assert f">{other}<" not in page


def test_membership_and_token_changelists_are_filtered(client, tree):
    from datetime import timedelta

    from django.utils import timezone

    ApiToken.objects.create(user=tree.student_b, key_hash="b" * 64, expires_at=timezone.now() + timedelta(days=1))
    ApiToken.objects.create(user=tree.student_a, key_hash="a" * 64, expires_at=timezone.now() + timedelta(days=1))
    client.force_login(tree.organiser_a)
    page = client.get(url(Membership, "changelist")).content.decode()
    assert "张小明" in page and "李小红" not in page
    page = client.get(url(ApiToken, "changelist")).content.decode()
    assert "aaaaaaaaaaaa…" in page and "bbbbbbbbbbbb" not in page
    assert "a" * 13 not in page  # the hash is never shown whole


def test_superuser_sees_both_districts(client, tree):
    boss = User.objects.create_superuser("boss", password="x-Secret-2026")
    client.force_login(boss)
    page = client.get(url(Organization, "changelist")).content.decode()
    assert "如东县实验小学" in page and "海安市实验小学" in page


def test_user_changelist_offers_export_and_the_roster_import_page(client, tree):
    client.force_login(tree.organiser_a)
    page = client.get(url(User, "changelist")).content.decode()
    assert reverse("accounts:roster_import") in page
    assert url(User, "export") in page


def test_export_from_the_user_admin_is_scoped(tree):
    request = RequestFactory().get(url(User, "changelist"))
    request.user = tree.organiser_a
    queryset = UserAdmin(User, django_admin.site).get_export_queryset(request)
    assert "stu_a" in set(queryset.values_list("username", flat=True))
    assert not queryset.filter(username__in=["stu_b", "tea_b", "org_b"]).exists()


def test_roster_export_has_the_import_columns_and_only_students(tree):
    from accounts.roster import RosterResource

    request = RequestFactory().get(url(User, "changelist"))
    request.user = tree.organiser_a
    queryset = UserAdmin(User, django_admin.site).get_export_queryset(request)
    dataset = RosterResource().export(queryset)
    assert dataset.headers == ["姓名", "学号", "学校", "年级", "班级", "性别", "手机号", "用户名"]
    assert [row[0] for row in dataset] == ["张小明"]
    assert dataset[0][2:5] == ("如东县实验小学", "五年级", "五（1）班")


# --- objects of the other district -------------------------------------------------------------------


def other_district_urls(tree):
    membership_b = tree.student_b.memberships.get()
    return [
        url(Organization, "change", tree.school_b.pk),
        url(Organization, "delete", tree.school_b.pk),
        url(Organization, "history", tree.school_b.pk),
        url(Organization, "change", tree.city.pk),
        url(User, "change", tree.student_b.pk),
        url(User, "delete", tree.student_b.pk),
        reverse("admin:auth_user_password_change", args=[tree.student_b.pk]),
        url(Membership, "change", membership_b.pk),
        url(Membership, "delete", membership_b.pk),
    ]


def test_change_delete_history_and_password_pages_of_the_other_district_are_404(client, tree):
    client.force_login(tree.organiser_a)
    for target in other_district_urls(tree):
        response = client.get(target)
        assert response.status_code == 404, target
        assert "海安市实验小学" not in response.content.decode()


def test_posting_to_the_other_districts_objects_changes_nothing(client, tree):
    client.force_login(tree.organiser_a)
    response = client.post(
        url(Organization, "change", tree.school_b.pk),
        {"name": "改名", "kind": OrgKind.SCHOOL, "parent": tree.town_b.pk, "stage": "primary", "_save": "1"},
    )
    assert response.status_code == 404
    assert client.post(url(Organization, "delete", tree.school_b.pk), {"post": "yes"}).status_code == 404
    assert client.post(url(User, "delete", tree.student_b.pk), {"post": "yes"}).status_code == 404
    tree.school_b.refresh_from_db()
    assert tree.school_b.name == "海安市实验小学"
    assert User.objects.filter(pk=tree.student_b.pk).exists()


def test_bulk_delete_action_cannot_reach_the_other_district(client, tree):
    client.force_login(tree.organiser_a)
    client.post(
        url(User, "changelist"),
        {"action": "delete_selected", "_selected_action": [tree.student_b.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=tree.student_b.pk).exists()


def test_new_organisation_cannot_be_placed_in_the_other_district(client, tree):
    client.force_login(tree.organiser_a)
    before = Organization.objects.count()
    response = client.post(
        url(Organization, "add"),
        {"name": "偷偷建的学校", "kind": OrgKind.SCHOOL, "parent": tree.town_b.pk, "stage": "primary", "_save": "1"},
    )
    assert response.status_code == 200  # the form shows "选择一个有效的选项"
    assert Organization.objects.count() == before

    response = client.post(
        url(Organization, "add"),
        {"name": "新学校", "kind": OrgKind.SCHOOL, "parent": tree.town_a.pk, "stage": "primary", "_save": "1"},
    )
    assert response.status_code == 302
    assert Organization.objects.get(name="新学校").is_within(tree.district_a)


def test_organiser_cannot_move_a_school_out_of_or_rename_their_own_district(client, tree):
    client.force_login(tree.organiser_a)
    data = form_data(client.get(url(Organization, "change", tree.school_a.pk)))
    data["parent"] = tree.town_b.pk
    client.post(url(Organization, "change", tree.school_a.pk), data)
    tree.school_a.refresh_from_db()
    assert tree.school_a.is_within(tree.district_a)

    # their own node is view-only: no renaming or moving 如东县 under something else
    response = client.get(url(Organization, "change", tree.district_a.pk))
    assert response.status_code == 200
    assert 'name="name"' not in response.content.decode()
    response = client.post(
        url(Organization, "change", tree.district_a.pk),
        {"name": "改名县", "kind": OrgKind.DISTRICT, "parent": tree.city.pk, "_save": "1"},
    )
    assert response.status_code == 403
    tree.district_a.refresh_from_db()
    assert tree.district_a.name == "如东县"


def test_organisation_cannot_be_moved_under_its_own_descendant(client, tree):
    client.force_login(tree.organiser_a)
    data = form_data(client.get(url(Organization, "change", tree.town_a.pk)))
    data["parent"] = tree.school_a.pk
    response = client.post(url(Organization, "change", tree.town_a.pk), data)
    assert response.status_code == 200
    assert "不能把组织移到它自己或它的下级组织之下。" in response.content.decode()


def test_membership_cannot_point_at_the_other_district_or_grant_site_admin(client, tree):
    client.force_login(tree.organiser_a)
    membership = tree.student_a.memberships.get()
    for role, org, user in [
        (Role.STUDENT, tree.class_b, tree.student_a),  # move our student into their class
        (Role.ADMIN, tree.class_a, tree.teacher_a),  # make someone site admin
        (Role.TEACHER, tree.class_a, tree.teacher_b),  # claim their teacher
    ]:
        response = client.post(url(Membership, "add"), {"user": user.pk, "role": role, "org": org.pk, "_save": "1"})
        assert response.status_code == 200, (role, org)  # form error, not saved
    assert not Membership.objects.filter(role=Role.ADMIN).exists()
    assert not tree.teacher_b.memberships.filter(org=tree.class_a).exists()
    response = client.post(
        url(Membership, "change", membership.pk),
        {"user": tree.student_a.pk, "role": Role.STUDENT, "org": tree.class_b.pk, "_save": "1"},
    )
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.org == tree.class_a


def test_organiser_cannot_edit_their_own_or_a_peers_organiser_membership(client, tree):
    peer = User.objects.create_user("peer_a", password="x-Secret-2026", is_staff=True)
    peer_membership = Membership.objects.create(user=peer, role=Role.ORGANISER, org=tree.district_a)
    client.force_login(tree.organiser_a)
    response = client.post(url(Membership, "delete", peer_membership.pk), {"post": "yes"})
    assert response.status_code == 403
    assert Membership.objects.filter(pk=peer_membership.pk).exists()


def test_organiser_edits_a_student_but_cannot_make_anyone_staff_or_superuser(client, tree):
    client.force_login(tree.organiser_a)
    change = url(User, "change", tree.student_a.pk)
    page = client.get(change)
    assert 'name="is_superuser"' not in page.content.decode()
    data = form_data(page)
    data.update({"real_name": "张大明", "is_superuser": "on", "is_staff": "on"})
    response = client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    tree.student_a.refresh_from_db()
    assert tree.student_a.real_name == "张大明"
    assert not tree.student_a.is_superuser and not tree.student_a.is_staff

    # other organisers (even of the same district) and the organiser themself are read-only
    assert 'name="real_name"' not in client.get(url(User, "change", tree.organiser_a.pk)).content.decode()
    assert client.get(url(User, "add")).status_code == 403


def test_staff_without_an_organiser_role_sees_nothing(client, tree):
    tree.teacher_a.is_staff = True
    tree.teacher_a.save()
    client.force_login(tree.teacher_a)
    assert client.get(url(Organization, "changelist")).status_code == 403
    assert client.get(url(Organization, "change", tree.class_a.pk)).status_code == 404


def test_site_admin_role_without_superuser_cannot_grant_superuser_or_edit_superusers(client, tree):
    site_admin = User.objects.create_user("site_admin", password="x-Secret-2026", is_staff=True)
    Membership.objects.create(user=site_admin, role=Role.ADMIN, org=None)
    boss = User.objects.create_superuser("boss", password="x-Secret-2026")
    client.force_login(site_admin)
    # sees everything …
    assert "海安市实验小学" in client.get(url(Organization, "changelist")).content.decode()
    # … but the permission flags are not on the form, and superusers are read-only
    page = client.get(url(User, "change", tree.teacher_a.pk))
    assert 'name="is_superuser"' not in page.content.decode()
    data = form_data(page)
    data["is_superuser"] = "on"
    assert client.post(url(User, "change", tree.teacher_a.pk), data).status_code == 302
    tree.teacher_a.refresh_from_db()
    assert not tree.teacher_a.is_superuser
    assert 'name="username"' not in client.get(url(User, "change", boss.pk)).content.decode()


def test_a_person_working_in_both_districts_is_read_only_and_shows_only_this_districts_role(client, tree):
    Membership.objects.create(user=tree.teacher_a, role=Role.TEACHER, org=tree.class_b)
    client.force_login(tree.organiser_a)
    page = client.get(url(User, "change", tree.teacher_a.pk)).content.decode()
    assert "五（1）班" in page and "五（2）班" not in page
    assert 'name="real_name"' not in page
