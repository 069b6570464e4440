"""Roster import: upload → preview with row-level errors → atomic confirm → credentials xlsx."""

import io

import openpyxl
import pytest
from django.contrib.auth.hashers import check_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from accounts import roster
from accounts.models import Membership, Organization, OrgKind, Role, User
from tests.accounts.factories import HEADERS, csv_text, csv_upload, read_xlsx, xlsx_bytes, xlsx_upload
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


def broken_zip() -> bytes:
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("名单.pdf", b"%PDF-1.4 whatever", "不支持的文件类型，请上传 .xlsx 或 .csv 文件。"),
        ("名单.xls", b"\xd0\xcf\x11\xe0 old excel", "不支持旧版 Excel（.xls）文件"),
        ("名单", b"no extension", "不支持的文件类型"),
        ("名单.xlsx", b"", "文件是空的"),
        ("名单.csv", b"", "文件是空的"),
        ("名单.csv", b"\r\n\r\n", "文件是空的"),
        ("名单.csv", b",,,\r\n,,,\r\n", "文件是空的"),
        ("名单.csv", csv_text([]).encode(), "文件中只有表头，没有学生数据。"),
        ("名单.xlsx", xlsx_bytes([]), "文件中只有表头，没有学生数据。"),
        ("名单.xlsx", b"this is not a zip at all", "不是有效的 xlsx 文件"),
        ("名单.xlsx", broken_zip(), "文件已损坏或格式不正确"),
        ("名单.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "文件内容不是文本格式的 CSV"),
        ("名单.csv", "名字,学号\r\n张三,1\r\n".encode(), "缺少必填列：姓名"),
        (
            "名单.csv",
            csv_text([["张三", "五年级", "1班"]], ["姓名", "年级", "班级"]).encode(),
            "学号（或学籍号）、学校",
        ),
        ("名单.xlsx", xlsx_bytes([["张三", "1"]], ["姓名", "学号"]), "缺少必填列：学校、年级、班级"),
        ("名单.csv", "姓名,学号,学校,年级,班级\r\n张三,1,某校,五年级,1班,多,余\r\n".encode(), "列数多于表头"),
    ],
)
def test_unusable_files_get_a_clear_chinese_message_and_change_nothing(client, tree, name, content, message):
    client.force_login(tree.organiser_a)
    before = db_state()
    response = upload(client, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert db_state() == before


def test_oversized_file_is_refused_before_reading(client, tree, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    client.force_login(tree.organiser_a)
    before = db_state()
    rows = [[f"学生{i}", f"{6000 + i}", "如东县实验小学", "五年级", "1班", "", ""] for i in range(100)]
    response = upload(client, xlsx_upload(rows))
    assert response.status_code == 400
    assert "文件太大" in response.content.decode()
    assert db_state() == before


def test_too_many_rows_is_refused(client, tree, monkeypatch):
    monkeypatch.setattr(roster.reading, "MAX_ROWS", 3)
    client.force_login(tree.organiser_a)
    rows = [[f"学生{i}", f"{6000 + i}", "如东县实验小学", "五年级", "1班", "", ""] for i in range(4)]
    response = upload(client, csv_upload(rows))
    assert response.status_code == 400
    assert "一次最多导入 3 名学生" in response.content.decode()


def test_missing_file_field_is_a_form_error_not_a_crash(client, tree):
    client.force_login(tree.organiser_a)
    response = client.post(IMPORT_URL, {})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode()


# --- encodings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_chinese_excel_encodings_is_read_correctly(client, tree, encoding):
    client.force_login(tree.organiser_a)
    rows = [
        ["欧阳娜娜", "7001", "如东县实验小学", "五年级", "1班", "女", ""],
        ["諸葛亮", "7002", "如东县实验小学", "六年级", "1班", "男", ""],
    ]
    file = csv_upload(rows, encoding=encoding)
    if encoding == "utf-8-sig":
        assert file.read(3) == b"\xef\xbb\xbf"
        file.seek(0)
    token = token_from(upload(client, file))
    client.post(confirm_url(token))
    assert User.objects.get(student_no="7001").real_name == "欧阳娜娜"
    assert User.objects.get(student_no="7002").real_name == "諸葛亮"


def test_title_row_above_the_header_and_header_variants_are_accepted(client, tree):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2026 年五年级学生名单"])
    sheet.append(["学生姓名", "学号/学籍号", "学校名称", "年级*", "班级（必填）"])
    sheet.append(["周杰", 20260101, "如东县实验小学", 5, 1])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(tree.organiser_a)
    token = token_from(upload(client, SimpleUploadedFile("t.xlsx", buffer.getvalue())))
    preview = roster.roster_preview_load(user=tree.organiser_a, token=token)
    row = preview.rows[0]
    assert (row.line, row.student_no, row.grade, row.class_id) == (3, "20260101", 5, tree.class_a.pk)


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("一年级", 1),
        ("六年级", 6),
        ("小学三年级", 3),
        ("3年级", 3),
        ("初一", 7),
        ("七年级", 7),
        ("初中二年级", 8),
        ("九年级", 9),
        ("高一", 10),
        ("十年级", 10),
        ("高三", 12),
        ("十二年级", 12),
        ("12", 12),
        ("5.0", 5),
        ("１", 1),
        ("十三年级", None),
        ("初四", None),
        ("大一", None),
        ("0", None),
    ],
)
def test_grade_names_are_understood(text, grade):
    assert roster.parse_grade(text) == grade


# --- atomicity ---------------------------------------------------------------------------------------


def test_a_failure_while_writing_rolls_everything_back(client, tree, monkeypatch):
    client.force_login(tree.organiser_a)
    token = token_from(upload(client, xlsx_upload(GOOD_ROWS)))
    before = db_state()

    def explode(*args, **kwargs):
        raise IntegrityError("simulated clash")

    monkeypatch.setattr(Membership.objects, "bulk_create", explode)
    response = client.post(confirm_url(token))
    assert response.status_code == 409
    assert "导入时数据已被他人修改" in response.content.decode()
    # the users and the new classes written before the failure are gone too
    assert db_state() == before


# --- who may import where ----------------------------------------------------------------------------


def test_organiser_cannot_import_into_a_school_of_another_district(client, tree):
    client.force_login(tree.organiser_a)
    before = db_state()
    token = token_from(upload(client, xlsx_upload([["张三", "8001", "海安市实验小学", "五年级", "2班", "", ""]])))
    preview = roster.roster_preview_load(user=tree.organiser_a, token=token)
    assert preview.error_rows[0].errors == [("学校", "找不到该学校，或您无权向该学校导入学生。")]
    assert client.post(confirm_url(token)).status_code == 409
    # choosing the other district's school on the page is refused by the form as well
    response = upload(client, xlsx_upload([["张三", "8001", "", "五年级", "2班", "", ""]]), tree.school_b)
    assert response.status_code == 400
    assert db_state() == before


def test_teacher_of_one_class_imports_only_into_that_class(client, tree):
    other_class = Organization.objects.create(name="五（3）班", kind=OrgKind.CLASS, parent=tree.school_a, grade=5)
    client.force_login(tree.teacher_a)
    before = db_state()
    rows = [
        ["甲", "9001", "如东县实验小学", "五年级", "1班", "", ""],  # their class: fine
        ["乙", "9002", "如东县实验小学", "五年级", "3班", "", ""],  # a colleague's class
        ["丙", "9003", "如东县实验小学", "五年级", "4班", "", ""],  # would create a class
        ["丁", "9004", "海安市实验小学", "五年级", "2班", "", ""],  # another district
    ]
    token = token_from(upload(client, xlsx_upload(rows)))
    preview = roster.roster_preview_load(user=tree.teacher_a, token=token)
    assert [(r.line, r.status) for r in preview.rows] == [(2, "new"), (3, "error"), (4, "error"), (5, "error")]
    assert [r.errors[0][0] for r in preview.error_rows] == ["班级", "班级", "学校"]
    assert client.post(confirm_url(token)).status_code == 409
    assert db_state() == before
    assert not other_class.memberships.exists()

    token = token_from(upload(client, xlsx_upload(rows[:1])))
    client.post(confirm_url(token))
    assert User.objects.get(student_no="9001").memberships.get().org == tree.class_a


def test_teacher_attached_to_a_whole_school_may_create_classes(client, tree):
    from tests.factories import make_teacher

    head = make_teacher(tree.school_a, username="head")
    client.force_login(head)
    token = token_from(upload(client, xlsx_upload([["甲", "9101", "如东县实验小学", "四年级", "2", "", ""]])))
    client.post(confirm_url(token))
    klass = User.objects.get(student_no="9101").memberships.get().org
    assert (klass.name, klass.grade, klass.parent) == ("四（2）班", 4, tree.school_a)


@pytest.mark.parametrize("who", ["student_a", "judge"])
def test_students_and_judges_cannot_open_the_import_pages(client, tree, who):
    client.force_login(getattr(tree, who))
    for name, args in [
        ("accounts:roster_import", []),
        ("accounts:roster_template", []),
        ("accounts:roster_import_confirm", ["x"]),
        ("accounts:roster_credentials", ["x"]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403
    assert client.post(IMPORT_URL, {"file": xlsx_upload(GOOD_ROWS)}).status_code == 403


def test_a_teacher_who_still_has_an_initial_password_must_change_it_before_importing(client, tree):
    tree.teacher_a.must_change_password = True
    tree.teacher_a.save()
    client.force_login(tree.teacher_a)
    before = db_state()
    for response in [client.get(IMPORT_URL), client.post(IMPORT_URL, {"file": xlsx_upload(GOOD_ROWS)})]:
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:password_change")
    assert db_state() == before


def test_template_download_has_the_roster_headers(client, tree):
    client.force_login(tree.teacher_a)
    response = client.get(reverse("accounts:roster_template"))
    assert response.status_code == 200
    assert read_xlsx(response.content)[0] == HEADERS


def test_upload_page_lists_only_importable_schools(client, tree):
    client.force_login(tree.organiser_a)
    page = client.get(IMPORT_URL).content.decode()
    assert "如东县实验小学" in page and "海安市实验小学" not in page
