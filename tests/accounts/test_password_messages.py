"""The first-login page explains a refused password in Chinese (Django 5.2's own zh_Hans catalogue misses
the new 'too short' msgid)."""

import pytest
from django.urls import reverse

from tests.factories import make_student

pytestmark = pytest.mark.django_db


def test_short_password_on_first_login_is_refused_in_chinese(client):
    student = make_student(username="s1")
    student.must_change_password = True
    student.save()
    client.force_login(student)
    response = client.post(reverse("accounts:password_change"), {"new_password1": "ab1", "new_password2": "ab1"})
    page = response.content.decode()
    assert "密码太短，至少需要 8 个字符。" in page
    assert "This password" not in page and "too short" not in page
    assert "密码至少需要 8 个字符" in client.get(reverse("accounts:password_change")).content.decode()
