"""Bulk editing of the organisation tree through django-import-export in the admin, scoped like the rest."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Organization, OrgKind, User
from tests.accounts.factories import read_xlsx, xlsx_bytes
from tests.factories import Tree

pytestmark = pytest.mark.django_db

HEADERS = ["ID", "名称", "类型", "上级ID", "学段", "年级", "代码"]


@pytest.fixture
def tree():
    tree = Tree()
    tree.organiser_a.is_staff = True
    tree.organiser_a.save()
    return tree


def import_rows(client, rows):
    """Upload, then confirm if the preview allows it. Returns (preview response, confirmed?)."""
    file = SimpleUploadedFile("orgs.xlsx", xlsx_bytes(rows, HEADERS))
    preview = client.post(
        reverse("admin:accounts_organization_import"), {"format": "0", "resource": "0", "import_file": file}
    )
    assert preview.status_code == 200
    confirm_form = preview.context.get("confirm_form")
    result = preview.context.get("result")
    if confirm_form is None or result is None or result.has_errors() or result.has_validation_errors():
        return preview, False
    response = client.post(reverse("admin:accounts_organization_process_import"), confirm_form.initial)
    assert response.status_code == 302
    return preview, True


def test_superuser_adds_schools_and_classes_in_bulk(client, tree):
    client.force_login(User.objects.create_superuser("boss", password="x-Secret-2026"))
    _preview, confirmed = import_rows(
        client,
        [
            ["", "海安市城东小学", "学校", tree.town_b.pk, "小学", "", "HA01"],
            ["", "掘港小学", "school", tree.town_a.pk, "primary", "", ""],
        ],
    )
    assert confirmed
    school = Organization.objects.get(name="海安市城东小学")
    assert (school.kind, school.stage, school.code) == (OrgKind.SCHOOL, "primary", "HA01")
    assert school.is_within(tree.district_b)


def test_organiser_imports_below_their_node_only_and_a_bad_row_blocks_the_file(client, tree):
    client.force_login(tree.organiser_a)
    before = list(Organization.objects.values_list("pk", "name", "parent_id"))
    preview, confirmed = import_rows(
        client,
        [
            ["", "如东新学校", "学校", tree.town_a.pk, "小学", "", ""],  # fine on its own
            ["", "偷建的学校", "学校", tree.town_b.pk, "小学", "", ""],  # other district
            [tree.school_b.pk, "改掉海安的名字", "学校", tree.town_b.pk, "小学", "", ""],  # other district's row
            [tree.district_a.pk, "改名县", "区/县/县级市", tree.city.pk, "", "", ""],  # their own node
            ["", "没有上级", "学校", "", "小学", "", ""],
            ["", "五（9）班", "班级", tree.school_a.pk, "", "九年级半", ""],  # unreadable grade
            ["", "孤儿", "学校", 987654, "小学", "", ""],  # parent id does not exist
        ],
    )
    assert not confirmed
    page = preview.content.decode()
    assert "上级组织不在您的管理范围内。" in page
    assert "该组织不在您的管理范围内，或不能修改。" in page
    assert "无法识别年级“九年级半”。" in page
    assert "上级 ID“987654”不存在。" in page
    assert list(Organization.objects.values_list("pk", "name", "parent_id")) == before

    _preview, confirmed = import_rows(client, [["", "如东新学校", "学校", tree.town_a.pk, "小学", "", ""]])
    assert confirmed
    assert Organization.objects.get(name="如东新学校").is_within(tree.district_a)


def test_import_cannot_move_a_node_under_its_own_child_or_invent_ids(client, tree):
    client.force_login(User.objects.create_superuser("boss", password="x-Secret-2026"))
    preview, confirmed = import_rows(
        client,
        [
            [tree.town_a.pk, "掘港街道", "镇/街道", tree.school_a.pk, "", "", ""],
            [99999, "新学校", "学校", tree.town_a.pk, "小学", "", ""],
        ],
    )
    assert not confirmed
    page = preview.content.decode()
    # the kind rules (a town sits under a district) already make a cycle impossible
    assert "该类型的组织不能放在所选上级之下。" in page
    assert "ID 不存在；新建组织时请把 ID 留空。" in page
    tree.town_a.refresh_from_db()
    assert tree.town_a.parent == tree.district_a


def test_organisation_export_is_scoped(client, tree):
    client.force_login(tree.organiser_a)
    response = client.post(
        reverse("admin:accounts_organization_export"),
        {"format": "0", "resource": "0", **{f"organizationresource_{f}": "on" for f in ["id", "name", "kind"]}},
    )
    assert response.status_code == 200
    rows = read_xlsx(response.content)
    names = {row[1] for row in rows[1:]}
    assert "如东县实验小学" in names and "五（1）班" in names
    assert not names & {"海安市实验小学", "城东镇", "海安市", "南通市"}
    assert ("学校" in {row[2] for row in rows[1:]}) and rows[0][:3] == ["ID", "名称", "类型"]


def test_formula_like_names_survive_export_and_reimport(client, tree):
    """The export escapes "=…" with an apostrophe (core.spreadsheet.safe_cell); the import removes it."""
    client.force_login(User.objects.create_superuser("boss", password="x-Secret-2026"))
    tree.school_a.name = "=1+1小学"
    tree.school_a.save()
    form = client.get(reverse("admin:accounts_organization_export")).context["form"]
    data = {"format": next(v for v, label in form.fields["format"].choices if "xlsx" in str(label).lower())}
    data.update({"resource": "0", **{k: "on" for k in form.fields if k.startswith("organizationresource_")}})
    exported = read_xlsx(client.post(reverse("admin:accounts_organization_export"), data).content)
    row = next(r for r in exported if r[0] == tree.school_a.pk)
    assert row[1] == "'=1+1小学"
    _preview, confirmed = import_rows(client, [[tree.school_a.pk, row[1], "学校", tree.town_a.pk, "小学", "", "X1"]])
    assert confirmed
    tree.school_a.refresh_from_db()
    assert (tree.school_a.name, tree.school_a.code) == ("=1+1小学", "X1")
