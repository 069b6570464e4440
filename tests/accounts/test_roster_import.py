"""Roster import: upload → preview with row-level errors → atomic confirm → credentials xlsx."""

import io

import openpyxl
import pytest
from django.contrib.auth.hashers import check_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import roster
from accounts.models import Membership, Organization, OrgKind, Role, User
from tests.accounts.factories import HEADERS, csv_upload, read_xlsx, xlsx_upload
from tests.factories import Tree, make_student

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("accounts:roster_import")


@pytest.fixture
def tree():
    return Tree()


def db_state():
    """Everything an import could touch, so a failed one can be shown to have changed nothing."""
    return (
        sorted(User.objects.values_list("username", "password", "must_change_password")),
        sorted(Membership.objects.values_list("user_id", "role", "org_id")),
        sorted(Organization.objects.values_list("pk", "name", "parent_id", "grade")),
    )


def upload(client, file, school=None):
    data = {"file": file}
    if school is not None:
        data["school"] = school.pk
    return client.post(IMPORT_URL, data)


def token_from(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def confirm_url(token):
    return reverse("accounts:roster_import_confirm", args=[token])


GOOD_ROWS = [
    ["王小红", "2026001", "如东县实验小学", "五年级", "1班", "女", "13800000001"],
    ["赵小刚", "2026002", "如东县实验小学", "5", "（2）班", "男", ""],
    ["钱多多", "2026003", "如东县实验小学", "三年级", "1", "", ""],
]


# --- the good path -----------------------------------------------------------------------------------


def test_good_xlsx_is_previewed_then_imported_with_credentials_for_the_importer(client, tree):
    client.force_login(tree.organiser_a)
    before = db_state()
    token = token_from(upload(client, xlsx_upload(GOOD_ROWS)))

    preview = client.get(confirm_url(token))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "将新建 3 名学生" in page
    assert "确认导入 3 名学生" in page
    assert "五（2）班" in page and "三（1）班" in page  # classes that will be created
    assert db_state() == before  # previewing writes nothing

    done = client.post(confirm_url(token))
    assert done.status_code == 302
    page = client.get(confirm_url(token)).content.decode()
    assert "新建学生 3 名" in page and "新建班级 2 个" in page

    # 1班 + 五年级 found the existing 五（1）班; the others were created under the school with their grade
    wang = User.objects.get(real_name="王小红")
    assert wang.memberships.get().org == tree.class_a
    assert wang.gender == "F" and wang.phone == "13800000001" and wang.student_no == "2026001"
    zhao_class = User.objects.get(real_name="赵小刚").memberships.get(role=Role.STUDENT).org
    assert (zhao_class.name, zhao_class.grade, zhao_class.parent) == ("五（2）班", 5, tree.school_a)
    qian_class = User.objects.get(real_name="钱多多").memberships.get().org
    assert (qian_class.name, qian_class.grade) == ("三（1）班", 3)
    assert all(u.must_change_password for u in User.objects.filter(student_no__startswith="2026"))

    response = client.get(reverse("accounts:roster_credentials", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = read_xlsx(response.content)
    assert rows[0] == ["姓名", "学号", "学校", "班级", "用户名", "初始密码"]
    assert len(rows) == 4
    for name, student_no, school, klass, username, password in rows[1:]:
        user = User.objects.get(username=username)
        assert user.real_name == name and user.student_no == student_no
        assert school == "如东县实验小学" and klass == user.memberships.get().org.name
        assert check_password(password, user.password)
        assert len(password) == 6 and password.isdigit()  # easy to type; must be changed at first login


def test_credentials_and_preview_belong_to_the_importing_user_only(client, tree):
    client.force_login(tree.organiser_a)
    token = token_from(upload(client, xlsx_upload(GOOD_ROWS[:1])))
    client.force_login(tree.city_organiser)  # even a broader organiser may not use someone else's token
    assert client.get(confirm_url(token)).status_code == 404
    assert client.post(confirm_url(token)).status_code == 404
    assert not User.objects.filter(real_name="王小红").exists()

    client.force_login(tree.organiser_a)
    client.post(confirm_url(token))
    credentials = reverse("accounts:roster_credentials", args=[token])
    assert client.get(credentials).status_code == 200
    client.force_login(tree.city_organiser)
    assert client.get(credentials).status_code == 404
    assert "初始密码" not in client.get(credentials).content.decode()


def test_confirming_twice_does_not_import_twice(client, tree):
    client.force_login(tree.organiser_a)
    token = token_from(upload(client, xlsx_upload(GOOD_ROWS)))
    client.post(confirm_url(token))
    state = db_state()
    assert client.post(confirm_url(token)).status_code == 404
    assert db_state() == state


def test_school_chosen_on_the_page_makes_the_school_column_optional(client, tree):
    client.force_login(tree.organiser_a)
    headers = ["姓名", "学籍号", "年级", "班级"]
    token = token_from(
        upload(client, xlsx_upload([["孙悟空", "G320601", "五年级", "五（1）班"]], headers), tree.school_a)
    )
    client.post(confirm_url(token))
    assert User.objects.get(real_name="孙悟空").memberships.get().org == tree.class_a


# --- row errors --------------------------------------------------------------------------------------

BAD_ROWS = [
    ["", "3001", "如东县实验小学", "五年级", "1班", "", ""],  # row 2: 姓名 empty
    ["甲", "3002", "如东县实验小学", "九年级半", "1班", "", ""],  # row 3: 年级 unreadable
    ["乙", "3003", "不存在的学校", "五年级", "1班", "", ""],  # row 4: 学校 unknown
    ["丙", "3004", "如东县实验小学", "五年级", "1班", "未知", ""],  # row 5: 性别
    ["丁", "3005", "如东县实验小学", "五年级", "1班", "", "abc"],  # row 6: 手机号
    ['=HYPERLINK("x")', "3006", "如东县实验小学", "五年级", "1班", "", ""],  # row 7: formula in 姓名
    ["戊", "30 07!", "如东县实验小学", "五年级", "1班", "", ""],  # row 8: 学号 characters
    ["己", "3008", "如东县实验小学", "初一", "1班", "", ""],  # row 9: 初一 in a primary school
    ["庚", "", "如东县实验小学", "五年级", "1班", "", ""],  # row 10: 学号 empty
    ["辛", "3010", "如东县实验小学", "五年级", "", "", ""],  # row 11: 班级 empty
    ["壬", "3011", "如东县实验小学", "五年级", "2班", "", ""],  # row 12: fine on its own
]
EXPECTED_ERRORS = {
    2: "姓名",
    3: "年级",
    4: "学校",
    5: "性别",
    6: "手机号",
    7: "姓名",
    8: "学号",
    9: "年级",
    10: "学号",
    11: "班级",
}


def test_each_bad_row_is_reported_with_row_number_and_column_and_nothing_is_imported(client, tree):
    client.force_login(tree.organiser_a)
    before = db_state()
    token = token_from(upload(client, xlsx_upload(BAD_ROWS)))
    preview = roster.roster_preview_load(user=tree.organiser_a, token=token)
    reported = {row.line: [column for column, _reason in row.errors] for row in preview.error_rows}
    assert {line: cols[0] for line, cols in reported.items()} == EXPECTED_ERRORS
    assert [r.line for r in preview.new_rows] == [12]

    page = client.get(confirm_url(token)).content.decode()
    assert "第 3 行 · “年级”列：无法识别“九年级半”" in page
    assert "第 4 行 · “学校”列：找不到该学校，或您无权向该学校导入学生。" in page
    assert "第 7 行 · “姓名”列：单元格以“=”开头（可能是公式）" in page
    assert "确认导入" not in page

    blocked = client.post(confirm_url(token))
    assert blocked.status_code == 409
    assert "未导入任何学生" in blocked.content.decode()
    assert db_state() == before


def test_formula_cells_in_xlsx_are_refused_not_read_as_blank(client, tree):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append(["张三", "4001", "如东县实验小学", "五年级", '=CONCAT("1","班")', "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(tree.organiser_a)
    before = db_state()
    token = token_from(upload(client, SimpleUploadedFile("a.xlsx", buffer.getvalue())))
    preview = roster.roster_preview_load(user=tree.organiser_a, token=token)
    assert [(r.line, r.errors[0][0]) for r in preview.error_rows] == [(2, "班级")]
    assert client.post(confirm_url(token)).status_code == 409
    assert db_state() == before


def test_long_student_numbers_mangled_by_excel_are_refused_with_an_explanation(client, tree):
    client.force_login(tree.organiser_a)
    rows = [
        ["甲", 320601201501010011, "如东县实验小学", "五年级", "1班", "", ""],  # a number cell: digits lost
        ["乙", "3.20601E+17", "如东县实验小学", "五年级", "1班", "", ""],  # CSV saved from such a sheet
        ["丙", "320601201501010011", "如东县实验小学", "五年级", "1班", "", ""],  # text cell: fine
    ]
    token = token_from(upload(client, xlsx_upload(rows)))
    preview = roster.roster_preview_load(user=tree.organiser_a, token=token)
    assert [(r.line, r.status) for r in preview.rows] == [(2, "error"), (3, "error"), (4, "new")]
    assert "末尾几位已经丢失" in preview.rows[0].errors[0][1]
    assert "科学计数法" in preview.rows[1].errors[0][1]


def test_invisible_characters_and_full_width_spaces_are_trimmed(client, tree):
    client.force_login(tree.organiser_a)
    rows = [["\u00a0王\u200b小明\u3000", " 4201 ", "如东县实验小学\ufeff", " 五年级 ", "1班", "男生", ""]]
    token = token_from(upload(client, csv_upload(rows)))
    row = roster.roster_preview_load(user=tree.organiser_a, token=token).rows[0]
    assert (row.status, row.name, row.student_no, row.gender) == ("new", "王小明", "4201", "M")


def test_a_bare_class_number_means_the_class_of_that_grade(client, tree):
    Organization.objects.create(name="1班", kind=OrgKind.CLASS, parent=tree.school_a, grade=6)
    client.force_login(tree.organiser_a)
    rows = [
        ["甲", "4301", "如东县实验小学", "六年级", "1班", "", ""],  # the existing 六年级 "1班"
        ["乙", "4302", "如东县实验小学", "四年级", "1班", "", ""],  # 四年级 has none yet: create 四（1）班
    ]
    token = token_from(upload(client, xlsx_upload(rows)))
    first, second = roster.roster_preview_load(user=tree.organiser_a, token=token).rows
    assert (first.status, first.class_name, first.class_id is not None) == ("new", "1班", True)
    assert (second.status, second.class_name, second.class_id) == ("new", "四（1）班", None)


def test_one_new_class_with_two_grades_in_the_file_is_an_error(client, tree):
    client.force_login(tree.organiser_a)
    rows = [
        ["甲", "4401", "如东县实验小学", "五年级", "科创班", "", ""],
        ["乙", "4402", "如东县实验小学", "六年级", "科创班", "", ""],
    ]
    token = token_from(upload(client, xlsx_upload(rows)))
    preview = roster.roster_preview_load(user=tree.organiser_a, token=token)
    assert [(r.line, r.status) for r in preview.rows] == [(2, "new"), (3, "error")]
    assert preview.rows[1].errors == [("班级", "文件中新班级“科创班”出现了不同的年级。")]


def test_a_class_name_that_exists_with_another_grade_is_an_error(client, tree):
    client.force_login(tree.organiser_a)
    token = token_from(upload(client, xlsx_upload([["张三", "4101", "如东县实验小学", "三年级", "五（1）班", "", ""]])))
    preview = roster.roster_preview_load(user=tree.organiser_a, token=token)
    assert preview.error_rows[0].errors[0][0] == "班级"
    assert "年级" in preview.error_rows[0].errors[0][1]


# --- duplicates --------------------------------------------------------------------------------------


def test_duplicates_in_file_and_in_database_are_skipped_and_shown(client, tree):
    make_student(tree.class_a, username="old", real_name="老同学", student_no="5001")
    make_student(tree.class_b, username="other_school", student_no="5003")  # same 学号, another school: fine
    client.force_login(tree.organiser_a)
    rows = [
        ["甲", "5001", "如东县实验小学", "五年级", "1班", "", ""],  # row 2: already in the school
        ["乙", "5002", "如东县实验小学", "五年级", "1班", "", ""],  # row 3: new
        ["丙", "5002", "如东县实验小学", "五年级", "1班", "", ""],  # row 4: repeats row 3
        ["丁", "5003", "如东县实验小学", "五年级", "1班", "", ""],  # row 5: new here
    ]
    token = token_from(upload(client, xlsx_upload(rows)))
    preview = roster.roster_preview_load(user=tree.organiser_a, token=token)
    assert [(r.line, r.status) for r in preview.rows] == [
        (2, "duplicate"),
        (3, "new"),
        (4, "duplicate"),
        (5, "new"),
    ]
    page = client.get(confirm_url(token)).content.decode()
    assert "该校已有此学号的学生，已跳过。" in page
    assert "与文件第 3 行学号相同，已跳过。" in page
    assert "重复跳过 2 行" in page

    client.post(confirm_url(token))
    assert set(User.objects.filter(student_no__in=["5001", "5002", "5003"]).values_list("real_name", flat=True)) == {
        "老同学",
        "乙",
        "丁",
        User.objects.get(username="other_school").real_name,
    }
    assert User.objects.get(username="old").real_name == "老同学"  # the existing account is untouched
    assert "跳过重复 2 行" in client.get(confirm_url(token)).content.decode()


def test_a_file_of_only_duplicates_imports_nothing_and_says_so(client, tree):
    make_student(tree.class_a, username="old", student_no="5101")
    client.force_login(tree.organiser_a)
    token = token_from(upload(client, xlsx_upload([["甲", "5101", "如东县实验小学", "五年级", "1班", "", ""]])))
    assert "没有需要新建的学生。" in client.get(confirm_url(token)).content.decode()
    before = db_state()
    response = client.post(confirm_url(token))
    assert response.status_code == 409
    assert "名单中没有需要新建的学生，未导入。" in response.content.decode()
    assert db_state() == before


def test_a_duplicate_created_between_preview_and_confirm_is_skipped_at_confirm(client, tree):
    client.force_login(tree.organiser_a)
    token = token_from(upload(client, xlsx_upload(GOOD_ROWS)))
    make_student(tree.class_a, username="sneaky", student_no="2026001")
    client.post(confirm_url(token))
    assert User.objects.filter(student_no="2026001").count() == 1
    assert User.objects.filter(student_no__in=["2026002", "2026003"]).count() == 2


# --- files that cannot be used -----------------------------------------------------------------------
