"""五老 volunteers: imported from a spreadsheet by the organiser of their 关工委 node or station (name, phone,
unit, background), all rows or none, with an initial password that the first login replaces and the same
lockout as every account."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import InitialPassword, Membership, Organization, OrgKind, Role, User
from accounts.volunteers import VolunteerImportError, volunteers_import
from tests.factories import Tree

from .factories import XLSX_TYPE, read_xlsx, xlsx_bytes, xlsx_upload

pytestmark = pytest.mark.django_db

HEADERS = ["姓名", "手机号", "单位", "身份背景", "原工作单位"]


@pytest.fixture
def tree():
    t = Tree()
    t.station = Organization.objects.create(name="掘港街道校外教育辅导站", kind=OrgKind.STATION, parent=t.town_a)
    t.station_b = Organization.objects.create(name="城东镇校外教育辅导站", kind=OrgKind.STATION, parent=t.town_b)
    return t


ROWS = [
    ["周建国", "13812345678", "掘港街道校外教育辅导站", "退休教师", "掘港小学"],
    ["钱秀英", "139 1234 5678", "如东县", "老干部", ""],
]


def test_the_organiser_imports_volunteers_at_stations_and_nodes_they_organise(tree):
    created, duplicates = volunteers_import(
        actor=tree.organiser_a, data=xlsx_bytes(ROWS, HEADERS), filename="五老.xlsx"
    )
    assert duplicates == 0 and [c.name for c in created] == ["周建国", "钱秀英"]
    zhou = User.objects.get(real_name="周建国")
    assert zhou.must_change_password and zhou.phone == "13812345678" and zhou.username == "wl13812345678"
    assert Membership.objects.get(user=zhou).role == Role.VOLUNTEER
    assert Membership.objects.get(user=zhou).org == tree.station
    assert (zhou.volunteer_profile.background, zhou.volunteer_profile.unit) == ("退休教师", "掘港小学")
    qian = User.objects.get(real_name="钱秀英")
    assert qian.phone == "13912345678" and Membership.objects.get(user=qian).org == tree.district_a
    assert InitialPassword.objects.get(user=zhou).issued_by == tree.organiser_a


def test_one_bad_row_imports_nobody_and_names_every_bad_row(tree):
    rows = [
        *ROWS,
        ["孙德明", "13700000000", "城东镇校外教育辅导站", "", ""],
        ["", "123", "掘港街道校外教育辅导站", "", ""],
    ]
    with pytest.raises(VolunteerImportError) as err:
        volunteers_import(actor=tree.organiser_a, data=xlsx_bytes(rows, HEADERS), filename="五老.xlsx")
    assert "第 4 行" in err.value.message and "不是您管理的" in err.value.message
    assert "第 5 行" in err.value.message and "手机号" in err.value.message
    assert not User.objects.filter(memberships__role=Role.VOLUNTEER).exists()


def test_importing_again_skips_the_volunteers_already_registered(tree):
    volunteers_import(actor=tree.organiser_a, data=xlsx_bytes(ROWS, HEADERS), filename="五老.xlsx")
    created, duplicates = volunteers_import(
        actor=tree.organiser_a, data=xlsx_bytes(ROWS, HEADERS), filename="五老.xlsx"
    )
    assert (created, duplicates) == ([], 2)
    assert User.objects.filter(memberships__role=Role.VOLUNTEER).count() == 2


def test_missing_columns_are_named(tree):
    with pytest.raises(VolunteerImportError) as err:
        volunteers_import(actor=tree.organiser_a, data=xlsx_bytes([["周建国"]], ["姓名"]), filename="a.xlsx")
    assert "手机号" in err.value.message and "单位" in err.value.message


def test_page_import_gives_a_credentials_sheet_and_first_login_forces_a_new_password(client, tree):
    client.force_login(tree.organiser_a)
    rows = [['=HYPERLINK("http://x")', "13812345678", "掘港街道校外教育辅导站", "退休教师", ""]]
    preview = client.post(reverse("accounts:volunteer_import"), {"file": xlsx_upload(rows, HEADERS)})
    assert preview.status_code == 200 and "新建账号" in preview.content.decode()
    assert not User.objects.filter(phone="13812345678").exists()  # nothing written before confirmation
    page = client.post(reverse("accounts:volunteer_import"), {"confirm": preview.context["upload_token"]})
    assert page.status_code == 200
    assert (
        client.post(reverse("accounts:volunteer_import"), {"confirm": preview.context["upload_token"]}).status_code
        == 410
    )
    token = page.context["token"]
    sheet = client.get(reverse("accounts:volunteer_credentials", args=[token]))
    assert sheet["Content-Type"] == XLSX_TYPE
    header, row = read_xlsx(sheet.content)
    assert header == ["姓名", "账号", "初始密码", "单位"]
    assert row[0].startswith("'=")  # a formula in the file stays text in the sheet given back
    username, password = row[1], row[2]
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 302
    assert client.get(reverse("judging:index")).url.startswith(reverse("accounts:password_change"))


def test_a_district_organiser_cannot_use_the_page_for_another_district(client, tree):
    client.force_login(tree.organiser_b)
    rows = [["周建国", "13812345678", "掘港街道校外教育辅导站", "", ""]]
    response = client.post(reverse("accounts:volunteer_import"), {"file": xlsx_upload(rows, HEADERS)})
    assert response.status_code == 200 and not response.context["can_import"]
    assert "不是您管理的" in response.content.decode() and not response.context["upload_token"]
    assert client.post(reverse("accounts:volunteer_import"), {"confirm": "forged"}).status_code == 410
    assert not User.objects.filter(phone="13812345678").exists()
    client.force_login(tree.student_a)
    assert client.get(reverse("accounts:volunteer_import")).status_code == 403


def test_volunteers_are_locked_out_like_everyone(client, tree, settings):
    settings.AXES_FAILURE_LIMIT = 3
    (created, _d) = volunteers_import(actor=tree.organiser_a, data=xlsx_bytes(ROWS[:1], HEADERS), filename="a.xlsx")
    username, password = created[0].username, created[0].password
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": username, "password": "wrong"}, REMOTE_ADDR="203.0.113.9")
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 429
