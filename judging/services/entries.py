"""Entrants submit: one entry per person (or a team entry, joined by invitation: services/teams.py) or per
unit (written by any of its staff), every save kept as a version with its submitter, locked at the
deadline. Who may enter as what: judging/entrants.py."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from core.textsafe import clean_text

from .. import entrants, text
from .. import files as file_checks
from ..models import KIND_FILE_TYPES, EntrantKind, Entry, EntryVersion, FileStatus, SubmissionContest
from .errors import JudgingError
from .teams import team_check_invitees, team_sync
from .uploads import entry_file_expire, process_entry_file

PROCESSING_TIMEOUT = timedelta(minutes=10)  # far beyond a 50 MB rebuild; a worker killed mid-task never finishes
MAX_BODY_CHARS = 100_000  # far above any essay limit; stops pasted junk from filling the database


def _new_code(contest: SubmissionContest) -> str:
    """A random 4-digit code (not the submission order, which would hint at who submitted when)."""
    taken = set(Entry.objects.filter(contest=contest).values_list("code", flat=True))
    width = 4 if len(taken) < 5000 else 6
    for _attempt in range(200):
        code = f"{contest.code_prefix}-{secrets.randbelow(10**width - 1) + 1:0{width}d}"
        if code not in taken:
            return code
    raise JudgingError("code_exhausted", _("无法生成作品编号，请重试。"))


def _unit_for(user: User, contest: SubmissionContest, unit: Organization | None) -> Organization:
    units = entrants.staffed_units(user, contest)
    if unit is not None:
        if all(u.pk != unit.pk for u in units):
            raise JudgingError("not_unit_staff", _("您不是该单位的工作人员，不能代表该单位提交作品。"), 403)
        return unit
    if len(units) != 1:
        raise JudgingError("unit_required", _("您在多个单位任职，请选择代表哪个单位提交。"))
    return units[0]


@transaction.atomic
def entry_save(
    *,
    contest: SubmissionContest,
    student: User | None = None,
    entrant: User | None = None,
    unit: Organization | None = None,
    title: str,
    body: str = "",
    upload: UploadedFile | None = None,
    team_usernames: list[str] | None = None,
    pledge_accepted: bool = False,
    consent_public: bool = False,
    autosave: bool = False,
    now=None,
) -> tuple[Entry, EntryVersion]:
    """Create or update the entrant's entry and record a version. `entrant` (or, as before, `student`) is
    the person saving; for a unit contest `unit` picks which of their units the entry is for (needed only
    when they work at several).

    An explicit save validates everything and adds a version (or turns the pending autosave into one);
    an autosave (essays only) keeps one rolling draft version that judges never see. An uploaded file
    gets only the cheap checks here (size, type by content, declared zip sizes); it is stored raw,
    marked processing and rebuilt by the task worker (`entry_file_process`), and judges see the
    version only once that has succeeded."""
    student = entrant or student
    now = now or timezone.now()
    title, body = clean_text(title or ""), clean_text(body or "")  # free text: cleaned, not refused
    if now < contest.opens_at:
        raise JudgingError("not_open", _("本次比赛尚未开始提交。"))
    if contest.deadline_passed(now):
        raise JudgingError("deadline_passed", _("提交截止时间已过，作品已锁定，不能再修改。"), 409)
    if not entrants.is_eligible(student, contest):
        raise JudgingError("not_eligible", _("您不在本次比赛的参赛范围内。"), 403)

    kind = EntrantKind.UNIT if contest.for_units else entrants.person_kind(student, contest)
    if contest.for_units:
        unit = _unit_for(student, contest, unit)
        entry_id = Entry.objects.filter(contest=contest, unit=unit).values_list("pk", flat=True).first()
        if team_usernames and any(u.strip() for u in team_usernames):
            raise JudgingError("teams_not_allowed", _("单位作品由本单位工作人员共同维护，无需填写团队成员。"))
    else:
        unit = None
        entry_id = (
            Entry.objects.filter(contest=contest)
            .filter(Q(author=student) | Q(team_members=student))
            .values_list("pk", flat=True)
            .first()
        )
    entry = Entry.objects.select_for_update().get(pk=entry_id) if entry_id else None
    if entry is not None and not entrants.may_edit(student, entry):
        # team members may read the entry; only the author (team leader) saves it
        raise JudgingError("not_author", _("只有作者（队长）可以修改团队作品。"), 403)

    title = (title or "").strip()
    if autosave:
        if not contest.is_essay:
            raise JudgingError("autosave_essay_only", _("只有征文支持自动保存草稿。"))
        if len(title) > 200:
            title = title[:200]
    else:
        if not pledge_accepted:
            raise JudgingError("pledge_required", _("请先阅读并勾选原创承诺。"))
        if not title:
            raise JudgingError("title_required", _("请填写作品标题。"))
        if len(title) > 200:
            raise JudgingError("title_too_long", _("标题不能超过 200 字。"))

    body_html = ""
    count = 0
    if len(body or "") > MAX_BODY_CHARS:
        raise JudgingError("essay_too_large", _("正文过长（超过 %(n)s 个字符）。") % {"n": MAX_BODY_CHARS}, 413)
    if contest.is_essay:
        body_html = text.sanitise_html(body)
        count = text.char_count(body)
        if not autosave:
            if count == 0:
                raise JudgingError("essay_empty", _("正文不能为空。"))
            if contest.min_chars and count < contest.min_chars:
                raise JudgingError(
                    "essay_too_short",
                    _("正文 %(n)s 字，少于最少字数 %(min)s 字。") % {"n": count, "min": contest.min_chars},
                )
            if contest.max_chars and count > contest.max_chars:
                raise JudgingError(
                    "essay_too_long",
                    _("正文 %(n)s 字，超过最多字数 %(max)s 字。") % {"n": count, "max": contest.max_chars},
                )

    stored_type, original_name = "", ""
    if not contest.is_essay and not autosave:
        latest_saved = entry.latest_saved_version() if entry is not None else None
        if latest_saved is not None and latest_saved.file_status == FileStatus.PROCESSING:
            if latest_saved.created_at <= now - PROCESSING_TIMEOUT:
                entry_file_expire(version=latest_saved)
            elif upload is None:
                # saving without a file would copy the previous file and hide the one being processed
                raise JudgingError("file_processing", _("上一次上传的文件仍在处理中，请稍候片刻再保存。"), 409)
        if upload is not None:
            try:
                stored_type = file_checks.precheck(
                    source=upload.file if hasattr(upload, "file") else upload,
                    filename=upload.name or "",
                    allowed=KIND_FILE_TYPES[contest.kind],
                    max_bytes=contest.max_file_mb * 1024 * 1024,
                    size=upload.size or 0,
                )
            except file_checks.FileRejected as exc:
                code = "file_too_large" if exc.code == "file_rejected" and exc.status == 413 else exc.code
                raise JudgingError(code, exc.message, exc.status) from exc
            original_name = (upload.name or "")[-255:]
        elif entry is None or not (entry.saved_version() and entry.saved_version().file):
            raise JudgingError("file_required", _("请上传作品文件。"))

    invitees = (
        None
        if autosave or unit is not None
        else team_check_invitees(contest=contest, author=student, usernames=team_usernames or [])
    )

    if entry is None:
        school, district = entrants.unit_places(unit) if unit is not None else entrants.person_places(student, kind)
        try:
            with transaction.atomic():
                entry = Entry.objects.create(
                    contest=contest,
                    code=_new_code(contest),
                    author=student,
                    entrant_kind=kind,
                    unit=unit,
                    school=school,
                    district=district,
                )
        except IntegrityError as exc:
            raise JudgingError("entry_exists", _("您（或您的单位）已提交过作品，请刷新页面后修改。"), 409) from exc
    if not autosave:
        entry.pledge_accepted_at = entry.pledge_accepted_at or now
        entry.consent_public = bool(consent_public)
        entry.save()
        if invitees is not None:
            team_sync(entry=entry, invitees=invitees, now=now)

    latest = entry.versions.select_for_update().order_by("-number").first()
    if latest is not None and latest.is_autosave:
        version = latest  # the rolling draft becomes (or stays) the newest state
    else:
        number = (entry.versions.aggregate(m=Max("number"))["m"] or 0) + 1
        version = EntryVersion(entry=entry, number=number)
    version.title = title
    version.body_text = body if contest.is_essay else ""
    version.body_html = body_html
    version.char_count = count
    version.is_autosave = autosave
    version.created_at = now
    version.saved_by = student
    process = False
    if not contest.is_essay and not autosave:
        if upload is not None:
            upload.seek(0)
            version.incoming.save(f"{contest.pk}/{uuid.uuid4().hex}.upload", upload, save=False)
            version.file, version.file_type, version.file_size = "", stored_type, upload.size
            version.original_filename = original_name
            version.file_status, version.file_error = FileStatus.PROCESSING, ""
            process = True
        else:
            previous = entry.saved_version()
            version.file, version.file_type = previous.file.name, previous.file_type
            version.file_size, version.original_filename = previous.file_size, previous.original_filename
            version.file_status, version.file_error = FileStatus.READY, ""
    version.save()
    if process:
        # Enqueued inside the transaction: with the database queue the task row commits (or rolls
        # back) together with the version, so no upload is left unprocessed or processed twice.
        process_entry_file.enqueue(version_id=version.pk)
        version.refresh_from_db()
    return entry, version
