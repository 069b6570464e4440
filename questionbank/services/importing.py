"""The one import engine. `import_check` reads and validates a whole file without writing; `import_write`
writes a checked report in one transaction. The teacher page (through a background task), the admin and
the `import_questions` command all call these two.

Rules: every bad row is reported with its row/line, column and a Chinese reason; nothing is written unless
every row is valid, except when the caller passes only_valid=True. Rows identical to an existing question
(same 编号, or same topic + normalised stem/options and same content) are "unchanged" and never written,
so exporting and re-importing a file is a no-op."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from accounts.models import User

from ..answers import normalize_text
from ..errors import ContentInvalid, ImportFileError, QuestionActionDenied, SelfReviewRefused, ValueUnrecognised
from ..importers.readers import read_rows
from ..importers.rows import RawRow
from ..models import Question, QuestionRevision, QuestionStatus, ReviewAction, ReviewLog, Topic
from ..secrecy import WITHHELD_MARK
from .content import (
    content_clean,
    parse_difficulty,
    parse_grade_bands,
    parse_qtype,
    parse_tags,
    question_fingerprint,
)
from .import_report import FIELD_COLUMNS, ImportReport, RowResult
from .questions import (
    can_author,
    can_edit,
    can_review,
    content_of,
    question_update,
    self_review_allowed,
)

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 250


class TopicResolver:
    """Topic text as teachers write it: a full path (`法治教育/宪法`, `法治教育>宪法`), a path suffix, or a
    unique name. Moodle categories may carry extra leading levels; those are dropped until one matches."""

    def __init__(self):
        topics = {t.pk: t for t in Topic.objects.all()}
        self.by_path: dict[str, Topic] = {}
        self.by_name: dict[str, list[Topic]] = {}
        for topic in topics.values():
            names, node, guard = [], topic, 0
            while node is not None and guard < 50:
                names.append(node.name)
                node = topics.get(node.parent_id)
                guard += 1
            path = "/".join(normalize_text(n) for n in reversed(names))
            topic.path_label = "/".join(reversed(names))
            self.by_path[path] = topic
            self.by_name.setdefault(normalize_text(topic.name), []).append(topic)
        self.cache: dict[str, Topic | str] = {}

    def resolve(self, text: str) -> Topic | str:
        """A Topic, or a Chinese error message."""
        if text in self.cache:
            return self.cache[text]
        parts = [normalize_text(p) for p in re.split(r"\s*[/／>＞\\]\s*", str(text)) if p.strip()]
        found: Topic | str = _("未知专题“{text}”，请检查拼写，或请组织者先添加该专题。").format(text=text)
        for start in range(len(parts)):
            path = "/".join(parts[start:])
            if path in self.by_path:
                found = self.by_path[path]
                break
            suffix = [t for p, t in self.by_path.items() if p.endswith("/" + path)]
            if len(suffix) == 1:
                found = suffix[0]
                break
            if len(suffix) > 1:
                found = _("专题“{text}”不唯一，请写完整路径，如“{path_label}”。").format(
                    text=text, path_label=suffix[0].path_label
                )
                break
        self.cache[text] = found
        return found


def _grade_bands(value) -> list[str]:
    if isinstance(value, list):
        return parse_grade_bands("、".join(str(v) for v in value))
    return parse_grade_bands(value)


def _check_row(raw: RawRow, resolver: TopicResolver, default_topic: Topic | None) -> RowResult:
    v = raw.values
    result = RowResult(number=raw.number, where=raw.where, stem=str(v.get("stem", "")), errors=list(raw.errors))
    if result.errors:
        result.status = "error"
        return result
    raw_id = str(v.get("id", "")).strip()
    if raw_id.isdigit() and str(v.get("answer", "")).strip() == WITHHELD_MARK:
        result.status, result.question_id, result.withheld = "unchanged", int(raw_id), True
        return result
    errors = result.errors
    typed = {}
    for key, parser in (("qtype", parse_qtype), ("difficulty", parse_difficulty), ("grade_bands", _grade_bands)):
        try:
            typed[key] = parser(v.get(key, ""))
        except ValueUnrecognised as exc:
            errors.append((FIELD_COLUMNS[key], exc.message))
    if not str(v.get("qtype", "")).strip():
        errors[:] = [e for e in errors if e[0] != _("题型")] + [(_("题型"), _("题型不能为空。"))]
    topic_text = str(v.get("topic", "")).strip()
    if topic_text:
        topic = resolver.resolve(topic_text)
        if isinstance(topic, str):
            errors.append((_("专题"), topic))
        else:
            result.topic = topic
    elif default_topic is not None:
        result.topic = default_topic
    else:
        errors.append((_("专题"), _("专题不能为空（或在导入时选择默认专题）。")))
    if "qtype" in typed:
        answer = v.get("answer", "")
        if answer in ("", None, []):
            errors.append((_("答案"), _("答案不能为空。")))
        else:
            try:
                result.content = content_clean(
                    qtype=typed["qtype"],
                    stem=v.get("stem", ""),
                    options=v.get("options") or [],
                    answer=answer,
                    explanation=v.get("explanation", ""),
                    difficulty=typed.get("difficulty", "medium"),
                    grade_bands=typed.get("grade_bands"),
                    source=v.get("source", ""),
                    tags=parse_tags(v.get("tags", "")),
                )
            except ContentInvalid as exc:
                errors.extend((FIELD_COLUMNS.get(k, k), m) for k, m in exc.errors.items())
    raw_id = str(v.get("id", "")).strip()
    if raw_id:
        if raw_id.isdigit():
            result.question_id = int(raw_id)
        else:
            errors.append((_("编号"), _("编号应为数字（新题请留空）。")))
    if errors:
        result.status = "error"
        result.content = None
    else:
        result.fingerprint = question_fingerprint(stem=result.content.stem, options=result.content.options)
    return result


def _chunks(items: list, size: int = 900):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _match_existing(results: list[RowResult], actor: User | None) -> None:
    """Against the database and within the file: duplicates, updates by 编号, unchanged rows."""
    withheld = [r for r in results if r.withheld]
    known = set(Question.objects.filter(pk__in=[r.question_id for r in withheld]).values_list("pk", flat=True))
    for r in withheld:
        if r.question_id not in known:
            r.status = "error"
            r.errors.append((_("答案"), _("“{mark}”只用于导出的保密题目，请填写答案。").format(mark=WITHHELD_MARK)))
    valid = [r for r in results if r.status != "error" and not r.withheld]
    fingerprints = sorted({r.fingerprint for r in valid})
    existing_fp: dict[tuple[int, str], int] = {}
    for chunk in _chunks(fingerprints):
        for pk, topic_id, fp in Question.objects.filter(fingerprint__in=chunk).values_list(
            "pk", "topic_id", "fingerprint"
        ):
            existing_fp.setdefault((topic_id, fp), pk)
    wanted = {r.question_id for r in valid if r.question_id} | set(existing_fp.values())
    existing: dict[int, Question] = {}
    for chunk in _chunks(sorted(wanted)):
        existing.update(Question.objects.in_bulk(chunk))

    seen: dict[tuple[int, str], RowResult] = {}
    seen_ids: dict[int, RowResult] = {}
    for r in valid:
        key = (r.topic.pk, r.fingerprint)
        if key in seen:
            r.errors.append(
                (_("题干"), _("与{where}的题目重复（同一专题下题干和选项相同）。").format(where=seen[key].where))
            )
        if r.question_id:
            if r.question_id in seen_ids:
                r.errors.append(
                    (
                        _("编号"),
                        _("编号 {question_id} 与{where}重复。").format(
                            question_id=r.question_id, where=seen_ids[r.question_id].where
                        ),
                    )
                )
            seen_ids[r.question_id] = r
        seen[key] = r
        dup_pk = existing_fp.get(key)
        new_content = r.content.as_dict() | {"topic_id": r.topic.pk}
        if r.question_id:
            question = existing.get(r.question_id)
            if question is None:
                r.errors.append(
                    (
                        _("编号"),
                        _("题库中没有编号为 {question_id} 的题目（新题请留空编号）。").format(
                            question_id=r.question_id
                        ),
                    )
                )
            elif dup_pk and dup_pk != question.pk:
                r.errors.append(
                    (_("题干"), _("与已有题目（编号 {dup_pk}）重复：同一专题下题干和选项相同。").format(dup_pk=dup_pk))
                )
            elif content_of(question) == new_content:
                r.status = "unchanged"
            elif question.status == QuestionStatus.RETIRED:
                r.errors.append((_("编号"), _("编号 {pk} 的题目已停用，不能再修改。").format(pk=question.pk)))
            elif actor is not None and not can_edit(actor, question):
                r.errors.append(
                    (_("编号"), _("您不能修改编号 {pk} 的题目（只能修改自己的草稿）。").format(pk=question.pk))
                )
            else:
                r.status = "update"
        elif dup_pk:
            if content_of(existing[dup_pk]) == new_content:
                r.status = "unchanged"
                r.question_id = dup_pk
            else:
                r.errors.append(
                    (
                        "题干",
                        _(
                            "与已有题目（编号 {dup_pk}）重复：同一专题下题干和选项相同。如要修改，请在“编号”列填写 {dup_pk}。"
                        ).format(dup_pk=dup_pk),
                    )
                )
        if r.errors:
            r.status = "error"


def import_check(
    *,
    data: bytes,
    fmt: str,
    actor: User | None,
    default_topic: Topic | None = None,
    progress: Callable[..., None] | None = None,
) -> ImportReport:
    """Read and validate the whole file; writes nothing. `actor` None means a trusted caller (the command)."""
    report = ImportReport(fmt=fmt)
    if actor is not None and not can_author(actor):
        report.file_error = _("只有教师、组织者或管理员可以导入题目。")
        return report
    resolver = TopicResolver()
    try:
        rows: Iterable[RawRow] = read_rows(data, fmt, progress)
        for i, raw in enumerate(rows, start=1):
            report.rows.append(_check_row(raw, resolver, default_topic))
            if progress and i % PROGRESS_EVERY == 0:
                progress(processed=i)
    except ImportFileError as exc:
        report.file_error = str(exc)
        report.rows = []
        return report
    except Exception:
        # a reader tripped over input we did not foresee: refuse the file, never a 500
        logger.exception("question import: unreadable %s file", fmt)
        report.file_error = _("文件内容无法解析，请检查文件格式是否正确（可下载模板对照）。")
        report.rows = []
        return report
    if not report.rows:
        report.file_error = _("文件中没有任何题目（只有表头或全是空行）。")
        return report
    _match_existing(report.rows, actor)
    if progress:
        progress(processed=len(report.rows))
    return report


@transaction.atomic
def import_write(
    *, report: ImportReport, actor: User | None, publish: bool = False, only_valid: bool = False
) -> dict[str, int]:
    """Write a checked report. Refuses (writes nothing) when any row has an error, unless only_valid.
    New questions are created in bulk as drafts, or published with revision 1 when publish=True (reviewers
    only). Updates go through question_update so a published question gets a new revision."""
    if report.file_error:
        raise ImportFileError(report.file_error)
    if not report.ok and not only_valid:
        raise ImportFileError(_("文件中有错误，未导入任何题目。请修改后重新上传，或选择“只导入无误的行”。"))
    if publish and actor is not None and not can_review(actor):
        raise QuestionActionDenied(_("只有审核人可以在导入时直接发布。"))
    if publish and actor is not None and not self_review_allowed(actor):
        # an importer publishing their own rows would approve them alone: the four-eyes rule applies
        raise SelfReviewRefused(_("四眼原则：导入的题目需由其他审核人审核，不能在导入时直接发布。"))
    new_rows = [r for r in report.rows if r.status == "new"]
    status = QuestionStatus.PUBLISHED if publish else QuestionStatus.DRAFT
    questions = [
        Question(
            topic=r.topic,
            author=actor,
            status=status,
            fingerprint=r.fingerprint,
            **r.content.as_dict(),
        )
        for r in new_rows
    ]
    Question.objects.bulk_create(questions, batch_size=1000)
    if publish and questions:
        revisions = [
            QuestionRevision(question=q, number=1, topic_id=q.topic_id, created_by=actor, **r.content.as_dict())
            for q, r in zip(questions, new_rows, strict=True)
        ]
        QuestionRevision.objects.bulk_create(revisions, batch_size=1000)
        for q, rev in zip(questions, revisions, strict=True):
            q.current_revision = rev
        # one UPDATE … FROM subquery instead of bulk_update's per-row CASE, which is slow at 10k rows
        first_revision = QuestionRevision.objects.filter(question_id=OuterRef("pk"), number=1).values("pk")[:1]
        for chunk in _chunks([q.pk for q in questions]):
            Question.objects.filter(pk__in=chunk).update(current_revision_id=Subquery(first_revision))
        ReviewLog.objects.bulk_create(
            [
                ReviewLog(question=q, actor=actor, action=ReviewAction.APPROVE, comment="导入时直接发布")
                for q in questions
            ],
            batch_size=1000,
        )
    for r, q in zip(new_rows, questions, strict=True):
        r.question_id = q.pk
    updated = 0
    for r in report.rows:
        if r.status == "update":
            question = Question.objects.get(pk=r.question_id)
            question_update(actor=actor, question=question, topic=r.topic, content=r.content, allow_duplicate=True)
            updated += 1
    return {"written": len(questions) + updated, "created": len(questions), "updated": updated}
