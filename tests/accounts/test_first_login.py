"""Imported students must replace their initial password before they can use the site."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from accounts import roster
from accounts.models import User
from quizsite.settings.base import PASSWORD_HASHERS
from tests.accounts.factories import xlsx_upload
from tests.factories import DEFAULT_PASSWORD, Tree

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
CHANGE = reverse("accounts:password_change")
NEW_PASSWORD = "Nantong-2026-abc"


def import_one_student(tree) -> roster.Credential:
    preview = roster.roster_parse(
        user=tree.organiser_a, upload=xlsx_upload([["新同学", "10001", "如东县实验小学", "五年级", "1班", "", ""]])
    )
    token = roster.roster_preview_store(user=tree.organiser_a, preview=preview)
    return roster.roster_import(user=tree.organiser_a, token=token).created[0]


@pytest.fixture
def imported(db):
    tree = Tree()
    return tree, import_one_student(tree)


def test_imported_student_is_sent_to_change_password_after_login_and_everywhere_else(client, imported):
    _tree, cred = imported
    response = client.post(LOGIN, {"username": cred.username, "password": cred.password})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")
    for url in [reverse("home"), "/contests/", "/results/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == CHANGE
    page = client.get(CHANGE).content.decode()
    assert "这是您第一次登录，请先设置自己的新密码。" in page
    assert 'name="old_password"' not in page  # the initial password was just typed at login


def test_initial_password_cannot_be_kept_and_weak_or_mismatched_passwords_are_refused(client, imported):
    _tree, cred = imported
    client.post(LOGIN, {"username": cred.username, "password": cred.password})
    for new1, new2, message in [
        (cred.password, cred.password, "密码太短"),  # the 6-digit initial password cannot be kept
        (NEW_PASSWORD, NEW_PASSWORD + "x", "输入的两个密码不一致"),
        ("12345678", "12345678", "这个密码太常见了"),
    ]:
        response = client.post(CHANGE, {"new_password1": new1, "new_password2": new2})
        assert response.status_code == 200
        assert message in response.content.decode()
    user = User.objects.get(username=cred.username)
    assert user.must_change_password
    assert user.check_password(cred.password)


def test_after_changing_the_password_the_student_uses_the_site_and_the_old_password_is_dead(client, imported):
    _tree, cred = imported
    client.post(LOGIN, {"username": cred.username, "password": cred.password})
    response = client.post(CHANGE, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    # still logged in (session hash updated) and no longer redirected
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "密码已修改。" in home.content.decode()
    assert not User.objects.get(username=cred.username).must_change_password

    client.post(reverse("accounts:logout"))
    client.post(LOGIN, {"username": cred.username, "password": cred.password})
    assert "_auth_user_id" not in client.session
    client.post(LOGIN, {"username": cred.username, "password": NEW_PASSWORD})
    assert client.session.get("_auth_user_id")


def test_a_later_change_asks_for_the_current_password(client):
    tree = Tree()
    client.force_login(tree.student_a)
    page = client.get(CHANGE).content.decode()
    assert 'name="old_password"' in page
    response = client.post(
        CHANGE, {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 200
    tree.student_a.refresh_from_db()
    assert tree.student_a.check_password(DEFAULT_PASSWORD)
    response = client.post(
        CHANGE, {"old_password": DEFAULT_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    tree.student_a.refresh_from_db()
    assert tree.student_a.check_password(NEW_PASSWORD)


def test_initial_passwords_are_hashed_cheaply_and_upgraded_at_first_login(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    tree = Tree()
    cred = import_one_student(tree)
    stored = User.objects.get(username=cred.username).password
    assert stored.startswith(f"pbkdf2_sha256${roster.INITIAL_PASSWORD_ITERATIONS}$")
    client.post(LOGIN, {"username": cred.username, "password": cred.password})
    upgraded = User.objects.get(username=cred.username).password
    assert upgraded.startswith(f"pbkdf2_sha256${PBKDF2PasswordHasher.iterations}$")


def test_with_production_hashers_initial_passwords_are_cheap_pbkdf2_and_become_argon2id(client, settings):
    settings.PASSWORD_HASHERS = PASSWORD_HASHERS
    tree = Tree()
    cred = import_one_student(tree)
    stored = User.objects.get(username=cred.username).password
    assert stored.startswith(f"pbkdf2_sha256${roster.INITIAL_PASSWORD_ITERATIONS}$")
    client.post(LOGIN, {"username": cred.username, "password": cred.password})
    assert User.objects.get(username=cred.username).password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@pytest.mark.parametrize("url_name", ["home", "accounts:organisation_list", "accounts:roster_import"])
def test_account_with_initial_password_reaches_nothing_but_the_password_page(client, url_name):
    tree = Tree()
    tree.teacher_a.must_change_password = True
    tree.teacher_a.save()
    client.force_login(tree.teacher_a)
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change")
