"""Students' initial passwords: easy to read off a slip, single-use, kept (encrypted) for the teacher who
issued them until the student sets their own, and reset by the class's teachers or the organisers above.

Why store them at all: a teacher prints login slips the day before the contest, loses the sheet, or a
child forgets; without the stored initial password the only answer would be a reset per child. The
password is useless once the student has logged in (first login forces a change, and the change wipes the
secret here), it is encrypted with a key derived from SECRET_KEY, and only people who could reset the
account anyway may read it."""

from __future__ import annotations

import base64
import hashlib
import secrets
import string

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.errors import AppError

from .models import InitialPassword, Organization, OrgKind, Role, User
from .selectors import Scope, scope_for, student_class

# digits only, so a 7-year-old can type it on a phone keypad; 6 digits with the login lockout is plenty
# for a password that only opens the forced first-login change
INITIAL_PASSWORD_DIGITS = string.digits
INITIAL_PASSWORD_LENGTH = 6


class ClassAccessDenied(AppError):
    code, status, default_message = "class_forbidden", 403, _("只有本班的老师和上级组织者可以管理本班学生。")


def easy_password() -> str:
    return "".join(secrets.choice(INITIAL_PASSWORD_DIGITS) for _ in range(INITIAL_PASSWORD_LENGTH))


def _fernet() -> Fernet:
    key = hashlib.sha256(b"quizsite.initial-password:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(password: str) -> str:
    return _fernet().encrypt(password.encode()).decode()


def unseal(secret: str) -> str | None:
    """The stored password, or None when wiped or unreadable (SECRET_KEY changed since: reset instead)."""
    if not secret:
        return None
    try:
        return _fernet().decrypt(secret.encode()).decode()
    except InvalidToken:
        return None


def initial_passwords_store(*, issued_by: User | None, batch: str, passwords: dict[int, str]) -> None:
    """Keep `passwords` (user id → initial password) for their issuer. Caller is inside the write transaction."""
    InitialPassword.objects.filter(user_id__in=list(passwords)).delete()
    InitialPassword.objects.bulk_create(
        [
            InitialPassword(user_id=user_id, issued_by=issued_by, batch=batch, secret=seal(password))
            for user_id, password in passwords.items()
        ],
        batch_size=500,
    )


def initial_password_forget(*, user: User) -> None:
    """The student has set their own password: the initial one is dead, wipe it."""
    InitialPassword.objects.filter(user=user).exclude(secret="").update(secret="")


def may_manage_class(scope: Scope, klass: Organization) -> bool:
    """The class's teachers (or teachers of its whole school) and organisers of any node above it."""
    return klass.kind == OrgKind.CLASS and (scope.manages(klass) or scope.teaches(klass))


def class_check(*, user: User, klass: Organization) -> None:
    if not may_manage_class(scope_for(user), klass):
        raise ClassAccessDenied


def class_students(klass: Organization):
    return (
        User.objects.filter(memberships__role=Role.STUDENT, memberships__org=klass)
        .select_related("initial_password")
        .order_by("username")
    )


@transaction.atomic
def student_password_reset(*, actor: User, student: User) -> str:
    """Give `student` a new easy initial password (returned) that must be changed at next login."""
    klass = student_class(student)
    if klass is None:
        raise ClassAccessDenied(_("只能重置学生的密码。"))
    class_check(user=actor, klass=klass)
    password = easy_password()
    student.password = make_password(password)
    student.must_change_password = True
    student.save(update_fields=["password", "must_change_password"])
    initial_passwords_store(issued_by=actor, batch="", passwords={student.pk: password})
    return password


def class_credentials(*, user: User, klass: Organization) -> list[dict]:
    """One row per student of the class for the slips: name, username, and the initial password while it is
    still in use (None once the student has set their own)."""
    class_check(user=user, klass=klass)
    rows = []
    for student in class_students(klass):
        stored = getattr(student, "initial_password", None)
        password = unseal(stored.secret) if stored and student.must_change_password else None
        rows.append({"user": student, "name": student.display_name, "username": student.username, "password": password})
    return rows


def import_batches_of(user: User, limit: int = 20) -> list[dict]:
    """The roster imports `user` made, newest first, with how many of their students still have the initial
    password: the list behind "我导入的学生账号" on the import page."""
    from django.db.models import Count, Max, Q

    return list(
        InitialPassword.objects.filter(issued_by=user)
        .exclude(batch="")
        .values("batch")
        .annotate(total=Count("pk"), waiting=Count("pk", filter=~Q(secret="")), at=Max("issued_at"))
        .order_by("-at")[:limit]
    )
