from django.utils.translation import gettext_lazy as _

from core.errors import AppError, Conflict, Forbidden, NotFound


class ReadingError(AppError):
    code, status, default_message = "reading_error", 400, _("阅读操作失败。")


class ReadingNotFound(NotFound):
    code, default_message = "reading_not_found", _("该阅读不存在或尚未开放。")


class NotAStudent(Forbidden):
    code, default_message = "not_a_student", _("只有在班学生可以进行此操作。")


class NotInAudience(Forbidden):
    code, default_message = "not_in_audience", _("该阅读不面向你所在的年级。")


class BadProgress(ReadingError):
    code, default_message = "bad_progress", _("进度数据不正确。")


class QuizNotOpen(Conflict):
    code, default_message = "quiz_not_open", _("请先读完全文再参加测验。")


class BadAnswers(ReadingError):
    code, default_message = "bad_answers", _("答案格式不正确。")


class ReflectionInvalid(ReadingError):
    code, default_message = "reflection_invalid", _("心得内容不符合要求。")


class PublishRefused(ReadingError):
    code, default_message = "publish_refused", _("该阅读还不能发布。")


class AudioRejected(ReadingError):
    code, default_message = "audio_rejected", _("音频文件不符合要求。")


class NotAllowed(Forbidden):
    code = "reading_forbidden"


class NoMonthStats(NotFound):
    code, default_message = "reading_month_not_found", _("该月没有您可查看的已开放阅读。")
