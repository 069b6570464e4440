"""The roster's optional family columns: 家庭编号 and/or 家长手机 become one keyed family hash per student
(siblings share it); the guardian's phone itself is never stored."""

import pytest
from django.db import connection
from django.urls import reverse

from accounts.family import family_key
from accounts.models import User
from tests.accounts.factories import HEADERS, read_xlsx, xlsx_upload
from tests.factories import SchoolFactory, Tree

pytestmark = pytest.mark.django_db

FAMILY_HEADERS = [*HEADERS, "家庭编号", "家长手机"]
IMPORT_URL = reverse("accounts:roster_import")


def _import(client, rows, headers=FAMILY_HEADERS, school=None):
    data = {"file": xlsx_upload(rows, headers)}
    if school is not None:
        data["school"] = school.pk
    response = client.post(IMPORT_URL, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    return token, client.post(reverse("accounts:roster_import_confirm", args=[token]))


def _key(name):
    return User.objects.get(real_name=name).family_key


def _all_text_in_user_table() -> str:
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {User._meta.db_table}")  # noqa: S608 (model's own table)
        return " ".join(str(v) for row in cur.fetchall() for v in row)


def test_siblings_share_a_keyed_family_hash_and_the_guardian_phone_is_not_stored(client):
    tree = Tree()
    client.force_login(tree.organiser_a)
    rows = [
        ["王大宝", "F001", "如东县实验小学", "五年级", "1班", "", "", "", "139 0000 0001"],
        ["王二宝", "F002", "如东县实验小学", "三年级", "1班", "", "", "", "+86 13900000001"],
        ["李一", "F003", "如东县实验小学", "五年级", "1班", "", "", "a-7", ""],
        ["李二", "F004", "如东县实验小学", "三年级", "1班", "", "", "A-7", ""],
        ["赵独", "F005", "如东县实验小学", "五年级", "1班", "", "", "", ""],
    ]
    _token, done = _import(client, rows)
    assert done.status_code == 302
    assert _key("王大宝") == _key("王二宝") == family_key(guardian_phone="13900000001")
    assert _key("李一") == _key("李二") and len(_key("李一")) == 64 and _key("李一") != _key("王大宝")
    assert _key("赵独") is None  # no family column: a family of their own
    text = _all_text_in_user_table()
    assert "13900000001" not in text and "A-7" not in text and "a-7" not in text


def test_a_family_number_means_something_only_within_its_school(client):
    tree = Tree()
    other = SchoolFactory(name="如东县第二小学", parent=tree.town_a)
    client.force_login(tree.organiser_a)
    _import(client, [["甲", "S1", "如东县实验小学", "五年级", "1班", "", "", "12", ""]])
    _import(client, [["乙", "S2", "如东县实验小学", "三年级", "1班", "", "", "12", ""]])  # a later file
    _import(client, [["丙", "S3", "如东县第二小学", "五年级", "1班", "", "", "12", ""]], school=other)
    assert _key("甲") == _key("乙") != _key("丙")


def test_a_number_shared_with_a_phone_row_links_to_the_sibling_known_only_by_phone(client):
    tree = Tree()
    client.force_login(tree.organiser_a)
    _import(client, [["周姐", "P1", "如东县实验小学", "五年级", "1班", "", "", "", "13700000007"]])
    rows = [
        ["周弟", "P2", "如东县实验小学", "三年级", "1班", "", "", "9", "13700000007"],
        ["周妹", "P3", "如东县实验小学", "一年级", "1班", "", "", "9", ""],
    ]
    _import(client, rows)
    assert _key("周姐") == _key("周弟") == _key("周妹")


def test_bad_family_cells_are_row_errors_and_nothing_is_written(client):
    tree = Tree()
    client.force_login(tree.organiser_a)
    rows = [
        ["孙一", "E1", "如东县实验小学", "五年级", "1班", "", "", "", "12345"],
        ["孙二", "E2", "如东县实验小学", "五年级", "1班", "", "", "=A1", ""],
        ["孙三", "E3", "如东县实验小学", "五年级", "1班", "", "", "5", "13600000001"],
        ["孙四", "E4", "如东县实验小学", "五年级", "1班", "", "", "5", "13600000002"],
    ]
    response = client.post(IMPORT_URL, {"file": xlsx_upload(rows, FAMILY_HEADERS)})
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    page = client.get(response["Location"]).content.decode()
    assert "家长手机应为 11 位数字" in page and "同一家庭编号下填写了不同的家长手机" in page
    failed = read_xlsx(client.get(reverse("accounts:roster_error_rows", args=[token])).content)
    assert failed[0] == [*FAMILY_HEADERS, "错误原因"] and len(failed) == 5
    assert failed[2][7] == "'=A1" and "家庭编号" in failed[2][-1]
    client.post(reverse("accounts:roster_import_confirm", args=[token]))
    assert not User.objects.filter(real_name__startswith="孙").exists()


def test_files_without_the_family_columns_import_as_before(client):
    tree = Tree()
    client.force_login(tree.organiser_a)
    _import(client, [["钱七", "O1", "如东县实验小学", "五年级", "1班", "男", "13800000009"]], headers=HEADERS)
    student = User.objects.get(real_name="钱七")
    assert student.phone == "13800000009" and student.family_key is None


def test_the_template_offers_the_family_columns_after_the_old_ones(client):
    tree = Tree()
    client.force_login(tree.teacher_a)
    rows = read_xlsx(client.get(reverse("accounts:roster_template")).content)
    assert rows[0] == FAMILY_HEADERS
    assert "家庭编号" in client.get(IMPORT_URL).content.decode()


def test_a_later_upload_fills_in_the_family_of_students_already_on_the_roster(client):
    tree = Tree()
    client.force_login(tree.organiser_a)
    _import(client, [["吴甲", "L1", "如东县实验小学", "五年级", "1班", "", ""]], headers=HEADERS)
    assert _key("吴甲") is None
    response = client.post(
        IMPORT_URL,
        {
            "file": xlsx_upload(
                [["吴甲", "L1", "如东县实验小学", "五年级", "1班", "", "", "", "13500000005"]], FAMILY_HEADERS
            )
        },
    )
    page = client.get(response["Location"]).content.decode()
    assert "更新 1 名已有学生的家庭信息" in page and "确认更新家庭信息" in page
    users_before = User.objects.count()
    done = client.post(response["Location"])
    assert done.status_code == 302
    assert _key("吴甲") == family_key(guardian_phone="13500000005") and User.objects.count() == users_before
    assert "写入了家庭标识" in client.get(response["Location"]).content.decode()


def test_a_teacher_sets_the_family_only_of_students_of_their_own_classes(client):
    from tests.factories import ClassFactory, make_student

    tree = Tree()
    other_class = ClassFactory(name="五（3）班", parent=tree.school_a, grade=5)
    make_student(other_class, username="stu_x", real_name="冯乙", student_no="X1")
    client.force_login(tree.teacher_a)  # teaches 五（1）班 only
    row = ["冯乙", "X1", "如东县实验小学", "五年级", "1班", "", "", "", "13500000006"]
    response = client.post(IMPORT_URL, {"file": xlsx_upload([row], FAMILY_HEADERS)})
    assert "确认更新家庭信息" not in client.get(response["Location"]).content.decode()
    assert client.post(response["Location"]).status_code == 409
    assert _key("冯乙") is None
