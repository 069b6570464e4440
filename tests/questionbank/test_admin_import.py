"""The admin door to the same import engine."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from questionbank.models import Question

from .factories import sheet_rows, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser("boss", password="x-Passw0rd!")
    client.force_login(admin)
    return client


def post(client, rows, **extra):
    data = {"file": SimpleUploadedFile("q.xlsx", xlsx_bytes(rows)), **extra}
    return client.post(reverse("admin:questionbank_question_import"), data, follow=True)


def test_admin_check_then_import(admin_client):
    from questionbank.models import ReviewPolicy
    from tests.factories import CityFactory

    body = post(admin_client, sheet_rows(), check="1").content.decode()
    assert "新增 4" in body and not Question.objects.exists()
    body = post(admin_client, sheet_rows(), do_import="1", publish="on").content.decode()
    assert "四眼原则" in body and not Question.objects.exists()  # nobody publishes their own rows alone
    ReviewPolicy.objects.create(org=CityFactory(name="南通市"), allow_self_review=True)
    body = post(admin_client, sheet_rows(), do_import="1", publish="on").content.decode()
    assert "写入 4 道题" in body
    assert Question.objects.filter(status="published").count() == 4


def test_admin_import_with_errors_writes_nothing(admin_client):
    rows = sheet_rows()
    rows[0][6] = "Q"
    body = post(admin_client, rows, do_import="1").content.decode()
    assert "第 2 行【答案】" in body and "未导入任何题目" in body
    assert not Question.objects.exists()


def test_changelist_links_to_the_import(admin_client):
    body = admin_client.get(reverse("admin:questionbank_question_changelist")).content.decode()
    assert reverse("admin:questionbank_question_import") in body
