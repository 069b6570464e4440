"""Passwords are stored as Argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane); hashes stored by the
hashers used before still sign in, and are re-hashed with Argon2id at that sign-in."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher, check_password, make_password
from django.urls import reverse

from accounts.models import User
from quizsite.settings.base import PASSWORD_HASHERS
from tests.factories import DEFAULT_PASSWORD, Tree

LOGIN = reverse("accounts:login")


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = PASSWORD_HASHERS


def _argon2id_parameters(encoded: str) -> str:
    algorithm, variant, _version, parameters, _salt, _hash = encoded.split("$")
    assert (algorithm, variant) == ("argon2", "argon2id")
    return parameters


def test_a_new_password_is_stored_as_argon2id_at_owasp_minimum(production_hashers):
    encoded = make_password("Nantong@2026")
    assert _argon2id_parameters(encoded) == "m=19456,t=2,p=1"
    assert check_password("Nantong@2026", encoded)
    assert not check_password("Nantong@2027", encoded)


def _django_default_argon2(raw: str) -> str:
    hasher = Argon2PasswordHasher()
    return hasher.encode(raw, hasher.salt())


def _pbkdf2(raw: str) -> str:
    hasher = PBKDF2PasswordHasher()
    return hasher.encode(raw, hasher.salt())


@pytest.mark.django_db
@pytest.mark.parametrize("stored_with", [_pbkdf2, _django_default_argon2], ids=["pbkdf2", "argon2-django-default"])
def test_a_hash_stored_before_signs_in_and_is_rehashed_as_argon2id(client, production_hashers, stored_with):
    tree = Tree()
    User.objects.filter(pk=tree.student_a.pk).update(password=stored_with(DEFAULT_PASSWORD))

    response = client.post(LOGIN, {"username": "stu_a", "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    stored = User.objects.get(pk=tree.student_a.pk).password
    assert _argon2id_parameters(stored) == "m=19456,t=2,p=1"
    assert check_password(DEFAULT_PASSWORD, stored)


@pytest.mark.django_db
def test_a_wrong_password_leaves_the_stored_hash_alone(client, production_hashers):
    tree = Tree()
    before = _pbkdf2(DEFAULT_PASSWORD)
    User.objects.filter(pk=tree.student_a.pk).update(password=before)

    response = client.post(LOGIN, {"username": "stu_a", "password": "not-the-password"})

    assert response.status_code == 200
    assert User.objects.get(pk=tree.student_a.pk).password == before
