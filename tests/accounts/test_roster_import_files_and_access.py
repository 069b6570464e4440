"""Roster import: unusable files, encodings and layouts, rollback on failure, and who may import where."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from accounts import roster
from accounts.models import Membership, Organization, OrgKind, User
from tests.accounts.factories import HEADERS, csv_text, csv_upload, read_xlsx, xlsx_bytes, xlsx_upload
from tests.accounts.test_roster_import import GOOD_ROWS, IMPORT_URL, confirm_url, db_state, token_from, upload
from tests.factories import Tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


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
    assert read_xlsx(response.content)[0] == [*HEADERS, "家庭编号", "家长手机"]  # new columns only appended


def test_upload_page_lists_only_importable_schools(client, tree):
    client.force_login(tree.organiser_a)
    page = client.get(IMPORT_URL).content.decode()
    assert "如东县实验小学" in page and "海安市实验小学" not in page
