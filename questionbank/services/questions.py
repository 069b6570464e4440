"""Question life cycle: 草稿 → 待审 → 已发布 → 停用, with an immutable revision per published version.

Permissions are checked here too (not only in views), so the admin, the API and the import command share
one rule set: authors are teachers/organisers/admins; reviewers hold Membership.can_review_questions as a
teacher or organiser, or are site admins."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User

from ..errors import DuplicateQuestion, QuestionActionDenied, SelfReviewRefused, TopicInvalid
from ..models import Question, QuestionRevision, QuestionStatus, ReviewAction, ReviewLog, Topic
from ..permissions import (  # noqa: F401 (re-exported: the rule set of the life cycle)
    can_approve,
    can_author,
    can_edit,
    can_manage_topics,
    can_review,
    self_review_allowed,
)
from .content import CONTENT_FIELDS, QuestionContentData, question_fingerprint


def find_duplicate(*, topic: Topic, fingerprint: str, exclude_pk: int | None = None) -> Question | None:
    qs = Question.objects.filter(topic=topic, fingerprint=fingerprint)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("pk").first()


def topic_create(*, actor: User, name: str, parent: Topic | None = None, order: int = 0) -> Topic:
    if not can_manage_topics(actor):
        raise QuestionActionDenied(_("只有组织者或管理员可以添加专题。"))
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise TopicInvalid(_("专题名称不能为空，且不超过 100 字。"))
    if Topic.objects.filter(parent=parent, name=name).exists():
        raise TopicInvalid(_("“{name}”已存在。").format(name=name))
    return Topic.objects.create(name=name, parent=parent, order=order, created_by=actor)


def _snapshot(question: Question, actor: User | None) -> QuestionRevision:
    """Freeze the question's current content as its next revision and point current_revision at it.
    Caller holds the question row lock (or just created it)."""
    last = question.revisions.aggregate(n=Max("number"))["n"] or 0
    revision = QuestionRevision.objects.create(
        question=question,
        number=last + 1,
        topic_id=question.topic_id,
        created_by=actor,
        **{f: getattr(question, f) for f in CONTENT_FIELDS},
    )
    question.current_revision = revision
    return revision


def _log(question: Question, actor: User | None, action: str, comment: str = "") -> None:
    ReviewLog.objects.create(question=question, actor=actor, action=action, comment=comment)


@transaction.atomic
def question_create(
    *,
    author: User,
    topic: Topic,
    content: QuestionContentData,
    publish: bool = False,
    allow_duplicate: bool = False,
) -> Question:
    """Create a draft (or, with publish=True, a published question with revision 1 — for reviewers whose
    organisation's ReviewPolicy allows self-review; otherwise the four-eyes rule refuses it).
    `content` must come from content_clean."""
    if not can_author(author):
        raise QuestionActionDenied(_("只有教师、组织者或管理员可以出题。"))
    if publish and not can_review(author):
        raise QuestionActionDenied(_("只有审核人可以直接发布题目。"))
    if publish and not self_review_allowed(author):
        # publishing one's own question straight away is approving it oneself: the four-eyes rule applies
        raise SelfReviewRefused(_("四眼原则：不能直接发布自己出的题，请提交审核，由其他审核人通过。"))
    fingerprint = question_fingerprint(stem=content.stem, options=content.options)
    if not allow_duplicate and (dup := find_duplicate(topic=topic, fingerprint=fingerprint)):
        raise DuplicateQuestion(dup)
    question = Question.objects.create(
        topic=topic,
        author=author,
        fingerprint=fingerprint,
        status=QuestionStatus.PUBLISHED if publish else QuestionStatus.DRAFT,
        **content.as_dict(),
    )
    if publish:
        _snapshot(question, author)
        question.save(update_fields=["current_revision"])
        _log(question, author, ReviewAction.APPROVE, "创建时直接发布")
    return question


def _locked(question: Question) -> Question:
    return Question.objects.select_for_update().get(pk=question.pk)


def content_of(question) -> dict:
    return {f: getattr(question, f) for f in CONTENT_FIELDS} | {"topic_id": question.topic_id}


@transaction.atomic
def question_update(
    *,
    actor: User | None,
    question: Question,
    topic: Topic,
    content: QuestionContentData,
    allow_duplicate: bool = False,
) -> Question:
    """Edit content. On a published question this creates a new revision and moves current_revision; old
    revisions stay, so attempts that saw them keep their exact content. No-op edits create nothing.
    actor None = a trusted system caller (the import command), which may still not edit retired questions."""
    question = _locked(question)
    if question.status == QuestionStatus.RETIRED:
        raise QuestionActionDenied(_("已停用的题目不能修改。"))
    if actor is not None and not can_edit(actor, question):
        raise QuestionActionDenied(_("您不能修改这道题（只能修改自己的草稿，已发布的题目须由审核人修改）。"))
    new = content.as_dict() | {"topic_id": topic.pk}
    if new == content_of(question):
        return question
    fingerprint = question_fingerprint(stem=content.stem, options=content.options)
    if not allow_duplicate and (dup := find_duplicate(topic=topic, fingerprint=fingerprint, exclude_pk=question.pk)):
        raise DuplicateQuestion(dup)
    for name, value in content.as_dict().items():
        setattr(question, name, value)
    question.topic = topic
    question.fingerprint = fingerprint
    if question.status == QuestionStatus.PUBLISHED:
        _snapshot(question, actor)
        _log(
            question,
            actor,
            ReviewAction.EDIT,
            _("修改后生成第 {number} 版").format(number=question.current_revision.number),
        )
    question.save()
    return question


@transaction.atomic
def question_submit(*, actor: User, question: Question) -> Question:
    question = _locked(question)
    if question.author_id != actor.pk and not can_review(actor):
        raise QuestionActionDenied(_("只能提交自己出的题目。"))
    if question.status != QuestionStatus.DRAFT:
        raise QuestionActionDenied(_("只有草稿可以提交审核。"))
    question.status = QuestionStatus.PENDING
    question.save(update_fields=["status", "updated_at"])
    _log(question, actor, ReviewAction.SUBMIT)
    return question


def question_submit_many(*, actor: User, question_ids: list[int]) -> tuple[int, int]:
    """Submit several drafts at once (the list page's 批量提交审核). Each question is its own transaction,
    so one that someone else just changed does not hold back the rest. Returns (submitted, skipped)."""
    submitted = skipped = 0
    for question in Question.objects.filter(pk__in=question_ids[:1000]).order_by("pk"):
        try:
            question_submit(actor=actor, question=question)
        except QuestionActionDenied:
            skipped += 1
        else:
            submitted += 1
    return submitted, skipped


@transaction.atomic
def question_approve(*, actor: User, question: Question, comment: str = "") -> Question:
    if not can_review(actor):
        raise QuestionActionDenied(_("您没有审核题目的权限。"))
    question = _locked(question)
    if question.status != QuestionStatus.PENDING:
        raise QuestionActionDenied(_("只有待审的题目可以通过。"))
    if question.author_id == actor.pk and not self_review_allowed(actor):
        raise SelfReviewRefused
    question.status = QuestionStatus.PUBLISHED
    question.review_comment = comment.strip()
    _snapshot(question, actor)
    question.save()
    _log(question, actor, ReviewAction.APPROVE, comment.strip())
    return question


@transaction.atomic
def question_return(*, actor: User, question: Question, comment: str) -> Question:
    if not can_review(actor):
        raise QuestionActionDenied(_("您没有审核题目的权限。"))
    comment = (comment or "").strip()
    if not comment:
        raise QuestionActionDenied(_("退回时请填写审核意见，告诉出题人需要修改什么。"))
    question = _locked(question)
    if question.status != QuestionStatus.PENDING:
        raise QuestionActionDenied(_("只有待审的题目可以退回。"))
    question.status = QuestionStatus.DRAFT
    question.review_comment = comment
    question.save(update_fields=["status", "review_comment", "updated_at"])
    _log(question, actor, ReviewAction.RETURN, comment)
    return question


@transaction.atomic
def question_retire(*, actor: User, question: Question, comment: str = "") -> Question:
    """Retired questions are never drawn again; their revisions stay for old papers and results."""
    if not can_review(actor):
        raise QuestionActionDenied(_("您没有停用题目的权限。"))
    question = _locked(question)
    if question.status != QuestionStatus.PUBLISHED:
        raise QuestionActionDenied(_("只有已发布的题目可以停用。"))
    question.status = QuestionStatus.RETIRED
    question.save(update_fields=["status", "updated_at"])
    _log(question, actor, ReviewAction.RETIRE, comment.strip())
    return question
