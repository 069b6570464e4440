"""API tokens die with the credentials they were issued for: a password change (own page or admin reset)
or a deactivation revokes every token of that user, at once; other users and ordinary saves keep theirs."""

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from accounts.models import ApiToken, User
from accounts.tokens import token_issue, token_user
from tests.factories import DEFAULT_PASSWORD, Tree, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Xq7!river-bank-42"


def _api_status(client, token: str) -> int:
    return client.get("/api/v1/contests", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def test_changing_ones_own_password_revokes_every_token_of_that_user_only(client):
    tree = Tree()
    phone, tablet = token_issue(user=tree.student_a), token_issue(user=tree.student_a)
    other = token_issue(user=tree.student_b)
    assert _api_status(client, phone) == 200
    client.force_login(tree.student_a)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    client.logout()
    assert _api_status(client, phone) == 401
    assert _api_status(client, tablet) == 401
    assert token_user(other) == tree.student_b


def test_admin_password_reset_revokes_the_users_tokens(client):
    tree = Tree()
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    token = token_issue(user=tree.judge)
    client.force_login(admin)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[tree.judge.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert token_user(token) is None
    assert not ApiToken.objects.filter(user=tree.judge).exists()


def test_deactivating_an_account_revokes_its_tokens():
    tree = Tree()
    token = token_issue(user=tree.teacher_a)
    tree.teacher_a.is_active = False
    tree.teacher_a.save()
    assert not ApiToken.objects.filter(user=tree.teacher_a).exists()
    tree.teacher_a.is_active = True
    tree.teacher_a.save()
    assert token_user(token) is None  # reactivation does not bring old tokens back


def test_ordinary_saves_and_login_keep_tokens(client, settings):
    tree = Tree()
    token = token_issue(user=tree.student_a)
    tree.student_a.real_name = "张小明明"
    tree.student_a.save()
    # a hash upgrade at login (roster passwords are hashed cheaply) is not a password change
    settings.PASSWORD_HASHERS = [*settings.PASSWORD_HASHERS, "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    User.objects.filter(pk=tree.student_a.pk).update(password=make_password(DEFAULT_PASSWORD, hasher="pbkdf2_sha256"))
    assert (
        client.post(reverse("accounts:login"), {"username": "stu_a", "password": DEFAULT_PASSWORD}).status_code == 302
    )
    assert User.objects.get(pk=tree.student_a.pk).password.startswith("md5$")
    assert token_user(token) == tree.student_a
