"""Teachers' rosters: short usernames, easy single-use initial passwords kept for re-download and login slips,
a class page with a scoped password reset, validated phone numbers, and the failed rows as a file."""

import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from accounts import roster
from accounts.models import InitialPassword, User
from tests.accounts.factories import read_xlsx, xlsx_upload
from tests.factories import ClassFactory, Tree, make_student, make_teacher

pytestmark = pytest.mark.django_db

ROWS = [
    ["王小红", "2026001", "如东县实验小学", "五年级", "1班", "女", "138 0000 0001"],
    ["赵小刚", "2026002", "如东县实验小学", "五年级", "1班", "男", "+86 13800000002"],
    ["钱多多", "2026003", "如东县实验小学", "三年级", "1班", "", ""],
]


@pytest.fixture
def tree():
    tree = Tree()
    tree.school_a.code = "RDSY"
    tree.school_a.save()
    return tree


def do_import(user, rows=ROWS):
    preview = roster.roster_parse(user=user, upload=xlsx_upload(rows))
    token = roster.roster_preview_store(user=user, preview=preview)
    return roster.roster_import(user=user, token=token)


def test_usernames_are_school_code_grade_class_and_number_and_passwords_easy(tree):
    result = do_import(tree.organiser_a)
    assert [c.username for c in result.created] == ["rdsy50101", "rdsy50102", "rdsy30101"]
    assert all(len(c.password) == 6 and c.password.isdigit() for c in result.created)
    assert all(User.objects.get(username=c.username).must_change_password for c in result.created)
    more = do_import(tree.organiser_a, [["孙小美", "2026004", "如东县实验小学", "五年级", "1班", "", ""]])
    assert more.created[0].username == "rdsy50103"  # numbering continues in the class


def test_phone_numbers_are_checked_and_normalised(tree):
    bad = [["周小舟", "2026009", "如东县实验小学", "五年级", "1班", "", "12345"]]
    preview = roster.roster_parse(user=tree.organiser_a, upload=xlsx_upload(bad))
    assert "手机号应为 11 位数字" in preview.rows[0].errors[0][1]
    do_import(tree.organiser_a)
    assert User.objects.get(real_name="王小红").phone == "13800000001"
    assert User.objects.get(real_name="赵小刚").phone == "13800000002"


def test_credentials_stay_downloadable_for_the_importer_until_each_student_changes_password(client, tree):
    result = do_import(tree.organiser_a)
    cache.clear()  # long after the import
    url = reverse("accounts:roster_credentials", args=[result.token])
    client.force_login(tree.organiser_a)
    rows = read_xlsx(client.get(url).content)
    assert {r[4]: r[5] for r in rows[1:]} == {c.username: c.password for c in result.created}
    assert (
        "本批新建学生 3 名"
        in client.get(reverse("accounts:roster_import_confirm", args=[result.token])).content.decode()
    )
    first = result.created[0]
    client.force_login(User.objects.get(username=first.username))
    client.post(
        reverse("accounts:password_change"), {"new_password1": "Rudong-2026-x", "new_password2": "Rudong-2026-x"}
    )
    assert InitialPassword.objects.get(user__username=first.username).secret == ""
    client.force_login(tree.organiser_a)
    rows = {r[4]: r[5] for r in read_xlsx(client.get(url).content)[1:]}
    assert (
        rows[first.username] == "（学生已修改密码）" and rows[result.created[1].username] == result.created[1].password
    )
    client.force_login(tree.organiser_b)
    assert client.get(url).status_code == 404  # another organiser never gets them
    assert InitialPassword.objects.exclude(secret="").filter(secret__contains=result.created[1].password).count() == 0


def test_class_page_lists_students_and_is_scoped_to_the_class_and_organisers_above(client, tree):
    do_import(tree.organiser_a)
    klass = User.objects.get(real_name="王小红").memberships.get().org
    url = reverse("accounts:class_detail", args=[klass.pk])
    class_teacher = make_teacher(klass, username="t_class")
    for user, status in [
        (class_teacher, 200),
        (tree.organiser_a, 200),
        (tree.city_organiser, 200),
        (make_teacher(ClassFactory(parent=tree.school_a), username="t_other"), 403),
        (tree.organiser_b, 403),
        (tree.student_a, 403),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user.username
    client.force_login(class_teacher)
    page = client.get(url).content.decode()
    assert "如东县实验小学 五（1）班" in page and "王小红" in page and "rdsy50101" in page


def test_reset_gives_a_new_easy_password_that_must_be_changed_and_is_scoped(client, tree):
    student = make_student(tree.class_a, username="kid", real_name="小朋友")
    url = reverse("accounts:class_password_reset", args=[tree.class_a.pk, student.pk])
    client.force_login(tree.teacher_b)
    assert client.post(url).status_code == 403
    client.force_login(tree.teacher_a)
    response = client.post(url, follow=True)
    message = response.content.decode()
    student.refresh_from_db()
    assert student.must_change_password
    password = message.split("新的初始密码：")[1][:6]
    assert student.check_password(password) and password.isdigit()
    other = make_student(tree.class_b, username="kid_b")
    wrong_class = reverse("accounts:class_password_reset", args=[tree.class_a.pk, other.pk])
    assert client.post(wrong_class).status_code == 404


def test_login_slips_are_one_card_per_student_with_the_initial_password(client, tree):
    result = do_import(tree.organiser_a)
    klass = User.objects.get(real_name="王小红").memberships.get().org
    make_student(klass, username="changed_already", real_name="老同学")
    client.force_login(tree.organiser_a)
    response = client.get(reverse("accounts:class_slips", args=[klass.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for cred in result.created[:2]:
        assert cred.real_name in text and cred.username in text and cred.password in text
    assert "钱多多" not in text  # another class
    assert "老同学" in text and "已修改" in text
    assert text.count("登录卡") == 4  # the two imported, 老同学 and 张小明 already in 五（1）班
    client.force_login(tree.organiser_b)
    assert client.get(reverse("accounts:class_slips", args=[klass.pk])).status_code == 403


def test_failed_rows_download_with_reasons_and_re_uploads_cleanly(client, tree):
    bad = ROWS[:1] + [
        ["", "2026010", "如东县实验小学", "五年级", "1班", "", ""],
        ["李四", "=1+1", "如东县实验小学", "五年级", "1班", "", "123"],
    ]
    client.force_login(tree.organiser_a)
    response = client.post(reverse("accounts:roster_import"), {"file": xlsx_upload(bad)})
    token = response["Location"].rstrip("/").split("/")[-1]
    page = client.get(response["Location"]).content.decode()
    assert reverse("accounts:roster_error_rows", args=[token]) in page
    rows = read_xlsx(client.get(reverse("accounts:roster_error_rows", args=[token])).content)
    assert rows[0][-1] == "错误原因" and len(rows) == 3
    assert rows[1][0] is None and "姓名" in rows[1][-1]
    assert rows[2][1] == "'=1+1" and "手机号" in rows[2][-1]  # formulas stay text
    client.force_login(tree.organiser_b)
    assert client.get(reverse("accounts:roster_error_rows", args=[token])).status_code == 404


def test_import_page_lists_my_earlier_imports_with_their_download(client, tree):
    result = do_import(tree.organiser_a)
    cache.clear()
    client.force_login(tree.organiser_a)
    page = client.get(reverse("accounts:roster_import")).content.decode()
    mine = page.split('id="my-imports"')[1]
    assert "3 名学生，3 名未改密码" in mine
    assert reverse("accounts:roster_credentials", args=[result.token]) in mine
    client.force_login(tree.city_organiser)
    assert 'id="my-imports"' not in client.get(reverse("accounts:roster_import")).content.decode()
