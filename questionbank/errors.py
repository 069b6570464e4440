"""Domain errors of the question bank, a leaf module (core only) so services, importers and views all
import the same classes. Each has a stable `code` and HTTP `status`; `message` is Chinese and shown to
the teacher as is. None subclasses a builtin: an `except ValueError` around a parser would otherwise
also catch real bugs and show their text to teachers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from core.errors import AppError

if TYPE_CHECKING:
    from .models import Question


class QuestionBankError(AppError):
    code = "questionbank_error"
    default_message = _("题库操作失败。")


class ValueUnrecognised(QuestionBankError):
    """One value a teacher wrote (题型, 难度, 学段, 答案, a GIFT block …) cannot be read."""

    code, status, default_message = "value_unrecognised", 400, _("无法识别填写的内容。")


class ContentInvalid(QuestionBankError):
    """Content failed validation. `errors` maps a field name to a Chinese message."""

    code, status = "content_invalid", 400

    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(str(m) for m in errors.values()))
        self.errors = errors


class ImportFileError(QuestionBankError):
    """The import file as a whole cannot be read, or the checked import may not be written."""

    code, status, default_message = "import_file_invalid", 400, _("文件无法导入。")


class TopicInvalid(QuestionBankError):
    code, status, default_message = "topic_invalid", 400, _("专题名称无效。")


class QuestionActionDenied(QuestionBankError):
    """The user may not do this to this question (wrong role or wrong status)."""

    code, status, default_message = "question_action_denied", 403, _("您不能对这道题执行此操作。")


class SelfReviewRefused(QuestionBankError):
    code, status = "self_review", 403
    default_message = _("四眼原则：不能审核自己出的题，请由其他审核人审核。")


class DuplicateQuestion(QuestionBankError):
    code, status = "duplicate_question", 409

    def __init__(self, existing: Question):
        super().__init__(
            _("专题“{topic}”中已有相同题干和选项的题目（编号 {pk}）。").format(topic=existing.topic, pk=existing.pk)
        )
        self.existing = existing


class MalformedAnswer(QuestionBankError):
    """A submitted answer does not have the shape its question type requires."""

    code, status, default_message = "malformed_answer", 422, _("答案格式不正确。")
