"""The one error base. Every app's domain errors subclass `AppError` with a stable `code`, an HTTP
`status` and a Chinese `default_message`; the project layer turns any of them into
`{"code", "message"}` for the API and a Chinese error page for HTML views (quizsite/api.py,
quizsite/middleware.py). Never subclass builtins such as ValueError for domain errors: an
`except ValueError` would then swallow real bugs and show their text to users."""

from django.utils.translation import gettext_lazy as _


class AppError(Exception):
    code = "error"
    status = 400
    default_message = _("操作失败。")

    def __init__(self, message=None, *, code: str | None = None, status: int | None = None):
        self.message = str(message or self.default_message)
        if code:
            self.code = code
        if status:
            self.status = status
        super().__init__(self.message)


class ApiError(AppError):
    """An error raised at the API edge with its code spelled at the raise site (positional form kept
    for the existing routers); domain code prefers a named AppError subclass."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message, code=code, status=status)


class NotFound(AppError):
    code, status, default_message = "not_found", 404, _("请求的资源不存在。")


class Forbidden(AppError):
    code, status, default_message = "forbidden", 403, _("没有权限执行此操作。")


class Conflict(AppError):
    code, status, default_message = "conflict", 409, _("操作与当前状态冲突。")
