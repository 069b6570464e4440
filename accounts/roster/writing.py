"""The atomic write (`roster_import`) and the spreadsheets it gives back."""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict

import tablib
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from import_export.formats import base_formats

from core.spreadsheet import safe_cell

from ..models import Membership, Organization, OrgKind, Role, User
from .rows import (
    COL_STUDENT_NO,
    CREDENTIALS_TTL,
    INITIAL_PASSWORD_ITERATIONS,
    PASSWORD_LENGTH,
    READABLE_CHARS,
    TEMPLATE_HEADERS,
    Credential,
    RosterBlocked,
    RosterExpired,
    RosterResult,
)
from .storage import _credentials_key, roster_preview_discard, roster_preview_load

# --- writing ------------------------------------------------------------------------------------------


def generate_password(length: int = PASSWORD_LENGTH) -> str:
    while True:
        password = "".join(secrets.choice(READABLE_CHARS) for _ in range(length))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


class _InitialPasswordHasher(PBKDF2PasswordHasher):
    iterations = INITIAL_PASSWORD_ITERATIONS


def _initial_hasher():
    default = get_hasher("default")
    if default.algorithm == PBKDF2PasswordHasher.algorithm:
        return _InitialPasswordHasher()
    return default


def _username_base(school: Organization, student_no: str) -> str:
    prefix = re.sub(r"[^A-Za-z0-9]", "", school.code or "") or f"s{school.pk}"
    return f"{prefix}_{student_no}".lower()[:140]


def _unique_usernames(bases: list[str]) -> list[str]:
    taken = set(User.objects.filter(username__in=bases).values_list("username", flat=True))
    for base in list(taken):  # rare: an old account without a student membership holds the name
        taken.update(User.objects.filter(username__startswith=f"{base}-").values_list("username", flat=True))
    result = []
    for base in bases:
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name)
        result.append(name)
    return result


def roster_import(*, user: User, token: str) -> RosterResult:
    """Create every new student of the stored preview in one transaction, or none.

    The rows are checked again first (the database may have changed since the preview); any error raises
    RosterBlocked with the fresh preview and nothing is written. Duplicates are skipped. The created
    usernames and initial passwords are kept for the importing user only, for CREDENTIALS_TTL seconds."""
    preview = roster_preview_load(user=user, token=token)
    if preview.error_rows:
        raise RosterBlocked(preview)
    new_rows = preview.new_rows
    if not new_rows:
        raise RosterBlocked(preview)

    hasher = _initial_hasher()
    passwords = [generate_password() for _ in new_rows]
    # hashing is the slow part; do it before the write transaction so the lock is held briefly
    hashes = [make_password(p, hasher=hasher) for p in passwords]

    schools = {s.pk: s for s in Organization.objects.filter(pk__in={r.school_id for r in new_rows})}
    try:
        with transaction.atomic():
            classes: dict[tuple[int, str], Organization] = {}
            classes_created = 0
            for row in new_rows:
                key = (row.school_id, row.class_name)
                if row.class_id is not None or key in classes:
                    continue
                classes[key] = Organization.objects.create(
                    name=row.class_name, kind=OrgKind.CLASS, parent=schools[row.school_id], grade=row.grade
                )
                classes_created += 1
            usernames = _unique_usernames([_username_base(schools[r.school_id], r.student_no) for r in new_rows])
            users = User.objects.bulk_create(
                [
                    User(
                        username=username,
                        real_name=row.name,
                        student_no=row.student_no,
                        gender=row.gender,
                        phone=row.phone,
                        password=password_hash,
                        must_change_password=True,
                    )
                    for row, username, password_hash in zip(new_rows, usernames, hashes)
                ],
                batch_size=500,
            )
            if any(u.pk is None for u in users):  # backends that cannot return ids from a bulk insert
                by_name = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
                for u in users:
                    u.pk = by_name[u.username]
            Membership.objects.bulk_create(
                [
                    Membership(
                        user_id=u.pk,
                        role=Role.STUDENT,
                        org_id=row.class_id or classes[(row.school_id, row.class_name)].pk,
                    )
                    for u, row in zip(users, new_rows)
                ],
                batch_size=500,
            )
    except IntegrityError as exc:
        # a concurrent import created the same class or username between check and write
        preview = roster_preview_load(user=user, token=token)
        for row in preview.new_rows:
            row.error(COL_STUDENT_NO, _("导入时数据已被他人修改，请重新上传文件。"))
        raise RosterBlocked(preview) from exc

    credentials = [
        Credential(
            real_name=row.name,
            student_no=row.student_no,
            school=row.school_label,
            class_name=row.class_name,
            username=username,
            password=password,
        )
        for row, username, password in zip(new_rows, usernames, passwords)
    ]
    roster_preview_discard(token=token)
    cache.set(
        _credentials_key(token),
        {
            "user_id": user.pk,
            "credentials": [asdict(c) for c in credentials],
            "skipped": len(preview.duplicate_rows),
            "classes_created": classes_created,
        },
        CREDENTIALS_TTL,
    )
    return RosterResult(
        created=credentials, skipped=preview.duplicate_rows, classes_created=classes_created, token=token
    )


# --- spreadsheets out ---------------------------------------------------------------------------------


def _xlsx(dataset: tablib.Dataset) -> bytes:
    safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        safe.append([safe_cell(v) for v in row])
    return base_formats.XLSX().export_data(safe)


def roster_result_load(*, user: User, token: str) -> dict:
    """The stored outcome of an import (credentials, counts), for the importing user only. Raises RosterExpired."""
    stored = cache.get(_credentials_key(token))
    if not stored or stored.get("user_id") != user.pk:
        raise RosterExpired
    return stored


def roster_credentials_xlsx(*, user: User, token: str) -> bytes:
    """The created usernames with their initial passwords, for the importing user only. Raises RosterExpired."""
    stored = roster_result_load(user=user, token=token)
    dataset = tablib.Dataset(headers=["姓名", "学号", "学校", "班级", "用户名", "初始密码"], title="账号")
    for c in stored["credentials"]:
        dataset.append([c["real_name"], c["student_no"], c["school"], c["class_name"], c["username"], c["password"]])
    return _xlsx(dataset)


def roster_template_xlsx() -> bytes:
    dataset = tablib.Dataset(headers=TEMPLATE_HEADERS, title="学生名单")
    dataset.append(["张小明", "320601201501010011", "如东县实验小学", "五年级", "1班", "男", "13800000000"])
    return _xlsx(dataset)
