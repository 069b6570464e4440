"""Domain errors of the contest engine. Each carries a stable `code` and HTTP `status` that the API
maps to {"code", "message"}; HTML views show `message`. Messages never include answer keys."""

from django.utils.translation import gettext_lazy as _

from core.errors import AppError


class CompetitionError(AppError):
    code = "contest_error"
    status = 400
    default_message = _("操作失败。")


class ContestNotFound(CompetitionError):
    code, status, default_message = "contest_not_found", 404, _("竞赛不存在。")


class ContestNotOpen(CompetitionError):
    code, status, default_message = "contest_not_open", 403, _("竞赛不在开放时间内。")


class NotEligible(CompetitionError):
    code, status, default_message = "not_eligible", 403, _("您不在本竞赛的参赛范围内。")


class NoAttemptsLeft(CompetitionError):
    code, status, default_message = "no_attempts_left", 403, _("您的答题次数已用完。")


class AttemptNotFound(CompetitionError):
    code, status, default_message = "attempt_not_found", 404, _("答题记录不存在。")


class QuestionNotInPaper(CompetitionError):
    code, status, default_message = "question_not_in_paper", 404, _("这道题不在您的试卷中。")


class MalformedAnswer(CompetitionError):
    code, status, default_message = "malformed_answer", 422, _("答案格式不正确。")


class DeadlinePassed(CompetitionError):
    code, status, default_message = "deadline_passed", 409, _("答题时间已到，答案未保存，试卷已自动提交。")


class AttemptFinished(CompetitionError):
    code, status, default_message = "attempt_finished", 409, _("本次答题已交卷，不能再修改答案。")


class PaperUnsatisfiable(CompetitionError):
    code, status, default_message = "paper_unsatisfiable", 409, _("题库中已发布的题目不足，无法组卷。")


class ContestInvalid(CompetitionError):
    code, status, default_message = "contest_invalid", 400, _("竞赛设置不完整。")


class NotAllowed(CompetitionError):
    code, status, default_message = "forbidden", 403, _("没有权限执行此操作。")


class QuestionsReserved(CompetitionError):
    code, status, default_message = (
        "questions_reserved",
        409,
        _("试卷含有正式竞赛保密使用的题目，练习不能使用。"),
    )
