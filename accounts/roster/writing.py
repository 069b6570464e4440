"""The atomic write (`roster_import`) and the spreadsheets it gives back."""

from __future__ import annotations

import re
from dataclasses import asdict

import tablib
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from import_export.formats import base_formats

from core.spreadsheet import safe_cell

from ..credentials import easy_password, initial_passwords_store, unseal
from ..models import InitialPassword, Membership, Organization, OrgKind, Role, User
from .rows import (
    COL_STUDENT_NO,
    CREDENTIALS_TTL,
    INITIAL_PASSWORD_ITERATIONS,
    TEMPLATE_HEADERS,
    Credential,
    RosterBlocked,
    RosterExpired,
    RosterResult,
)
from .storage import _credentials_key, roster_preview_discard, roster_preview_load

# --- writing ------------------------------------------------------------------------------------------


class _InitialPasswordHasher(PBKDF2PasswordHasher):
    iterations = INITIAL_PASSWORD_ITERATIONS


def _initial_hasher():
    """Cheap PBKDF2 whenever the configured hashers can verify it (the first login re-hashes with the
    default, Argon2id in production), else the default (the tests' MD5)."""
    try:
        get_hasher(PBKDF2PasswordHasher.algorithm)
    except ValueError:
        return get_hasher("default")
    return _InitialPasswordHasher()


def _school_prefix(school: Organization) -> str:
    return re.sub(r"[^a-z0-9]", "", (school.code or "").lower()) or f"s{school.pk}"


def _class_number(klass: Organization) -> int:
    """The class's number within its grade: the last number in its name ("五（3）班" → 3), else its pk."""
    numbers = re.findall(r"\d+", klass.name)
    return int(numbers[-1]) if numbers else klass.pk


def _short_usernames(klasses: list[Organization], schools: dict[int, Organization]) -> list[str]:
    """One username per new student: school code + grade + class number + number in class, e.g. `cssy20105`
    (崇川实验小学, 2年级, 1班, 5号). Numbers already used in the class (by anyone) are skipped."""
    prefixes = [f"{_school_prefix(schools[k.parent_id])}{k.grade or 0}{_class_number(k):02d}" for k in klasses]
    taken: set[str] = set()
    for prefix in set(prefixes):
        taken.update(User.objects.filter(username__startswith=prefix).values_list("username", flat=True))
    next_number: dict[str, int] = {}
    names = []
    for prefix in prefixes:
        n = next_number.get(prefix, 1)
        while f"{prefix}{n:02d}" in taken:
            n += 1
        name = f"{prefix}{n:02d}"
        taken.add(name)
        next_number[prefix] = n + 1
        names.append(name)
    return names


def roster_import(*, user: User, token: str) -> RosterResult:
    """Create every new student of the stored preview in one transaction, or none; in the same transaction,
    set the family key of existing students whose duplicate rows give the family columns.

    The rows are checked again first (the database may have changed since the preview); any error raises
    RosterBlocked with the fresh preview and nothing is written. Duplicates are skipped. The created
    counts are cached for CREDENTIALS_TTL seconds; the initial passwords are kept (encrypted) until each student's
    first login, for the importing user's account list and the class's login slips (accounts/credentials.py)."""
    preview = roster_preview_load(user=user, token=token)
    if preview.error_rows:
        raise RosterBlocked(preview)
    new_rows = preview.new_rows
    family_updates = preview.family_updates
    if not new_rows and not family_updates:
        raise RosterBlocked(preview)

    hasher = _initial_hasher()
    passwords = [easy_password() for _ in new_rows]
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
            existing = Organization.objects.in_bulk({r.class_id for r in new_rows if r.class_id is not None})
            row_classes = [
                existing[row.class_id] if row.class_id is not None else classes[(row.school_id, row.class_name)]
                for row in new_rows
            ]
            usernames = _short_usernames(row_classes, schools)
            users = User.objects.bulk_create(
                [
                    User(
                        username=username,
                        real_name=row.name,
                        student_no=row.student_no,
                        gender=row.gender,
                        phone=row.phone,
                        family_key=row.family_key,
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
            initial_passwords_store(issued_by=user, batch=token, passwords={u.pk: p for u, p in zip(users, passwords)})
            by_key: dict[str, list[int]] = {}
            for row in family_updates:
                by_key.setdefault(row.family_key, []).append(row.family_update_user_id)
            for key, user_ids in by_key.items():
                User.objects.filter(pk__in=user_ids).update(family_key=key)
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
            "family_updated": len(family_updates),
        },
        CREDENTIALS_TTL,
    )
    return RosterResult(
        created=credentials,
        skipped=preview.duplicate_rows,
        classes_created=classes_created,
        token=token,
        family_updated=len(family_updates),
    )


# --- spreadsheets out ---------------------------------------------------------------------------------


def _xlsx(dataset: tablib.Dataset) -> bytes:
    safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        safe.append([safe_cell(v) for v in row])
    return base_formats.XLSX().export_data(safe)


def roster_result_load(*, user: User, token: str) -> dict:
    """The outcome of an import (counts) for the importing user only. The counts live in the cache for
    CREDENTIALS_TTL; after that the number of accounts is read back from the stored initial passwords.
    Raises RosterExpired."""
    stored = cache.get(_credentials_key(token))
    if stored and stored.get("user_id") == user.pk:
        return stored
    created = InitialPassword.objects.filter(batch=token, issued_by=user).count() if token else 0
    if not created:
        raise RosterExpired
    return {"user_id": user.pk, "created": created, "skipped": None, "classes_created": None}


def _batch_rows(*, user: User, token: str) -> list[list[str]]:
    """The batch's accounts as they are now: the initial password while it is still in use, else a note."""
    stored = (
        InitialPassword.objects.filter(batch=token, issued_by=user).select_related("user").order_by("user__username")
        if token
        else InitialPassword.objects.none()
    )
    memberships = {
        m.user_id: m.org
        for m in Membership.objects.filter(user_id__in=[s.user_id for s in stored], role=Role.STUDENT).select_related(
            "org__parent"
        )
    }
    rows = []
    for item in stored:
        student, klass = item.user, memberships.get(item.user_id)
        password = unseal(item.secret) if student.must_change_password else None
        rows.append(
            [
                student.real_name,
                student.student_no,
                klass.parent.name if klass and klass.parent else "",
                klass.name if klass else "",
                student.username,
                password or _("（学生已修改密码）"),
            ]
        )
    return rows


def roster_credentials_xlsx(*, user: User, token: str) -> bytes:
    """The batch's usernames with their initial passwords, for the importing user only, as long as the
    accounts exist (not only while the cache holds them). Raises RosterExpired."""
    rows = _batch_rows(user=user, token=token)
    if not rows:
        raise RosterExpired
    dataset = tablib.Dataset(headers=["姓名", "学号", "学校", "班级", "用户名", "初始密码"], title="账号")
    for row in rows:
        dataset.append([safe_cell(v) for v in row])
    return _xlsx(dataset)


def roster_error_rows_xlsx(*, preview) -> bytes:
    """The rows that failed the check, in the template's columns with the reasons in a last column, so the
    teacher fixes them in place and uploads this file again."""
    dataset = tablib.Dataset(headers=[*TEMPLATE_HEADERS, "错误原因"], title="有错误的行")
    for row in preview.error_rows:
        reasons = "；".join(f"{column}：{reason}" for column, reason in row.errors)
        values = [
            row.name,
            row.student_no,
            row.school_name,
            row.grade_raw,
            row.class_raw,
            row.gender_raw,
            row.phone,
            row.family_no,
            row.guardian_phone,
        ]
        dataset.append([safe_cell(v) for v in [*values, reasons]])
    return _xlsx(dataset)


def roster_template_xlsx() -> bytes:
    dataset = tablib.Dataset(headers=TEMPLATE_HEADERS, title="学生名单")
    dataset.append(
        ["张小明", "320601201501010011", "如东县实验小学", "五年级", "1班", "男", "13800000000", "A015", "13900000000"]
    )
    return _xlsx(dataset)
