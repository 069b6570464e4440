"""Writes to the question bank. `content` validates and normalises question content; `questions` holds the
life cycle (create, edit, review, retire) and revisioning; `importing` is the one import engine behind the
teacher page, the admin and the `import_questions` command."""

from ..errors import ContentInvalid, DuplicateQuestion, QuestionActionDenied, SelfReviewRefused
from .content import QuestionContentData, content_clean, question_fingerprint
from .questions import (
    can_approve,
    can_author,
    can_edit,
    can_review,
    question_approve,
    question_create,
    question_retire,
    question_return,
    question_submit,
    question_submit_many,
    question_update,
    self_review_allowed,
    topic_create,
)

__all__ = [
    "ContentInvalid",
    "DuplicateQuestion",
    "QuestionActionDenied",
    "QuestionContentData",
    "SelfReviewRefused",
    "can_approve",
    "can_author",
    "can_edit",
    "can_review",
    "content_clean",
    "question_approve",
    "question_create",
    "question_fingerprint",
    "question_retire",
    "question_return",
    "question_submit",
    "question_submit_many",
    "question_update",
    "self_review_allowed",
    "topic_create",
]
