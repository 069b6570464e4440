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


# --- the API edge: the ninja handlers (quizsite/api.py) and the raw fast paths (core/fastpath) answer with these


class Unauthorized(AppError):
    code, status, default_message = "unauthorized", 401, _("请先登录或提供有效的令牌。")


class PasswordChangeRequired(AppError):
    code, status, default_message = "password_change_required", 403, _("首次登录请先修改密码。")


class PayloadTooLarge(AppError):
    code, status, default_message = "payload_too_large", 413, _("请求体过大。")


class InvalidRequest(AppError):
    """A body of the wrong shape; `where` names the first offending field, as ninja's validation says."""

    code, status, default_message = "invalid_request", 422, _("请求格式不正确：请求体")

    def __init__(self, where: str = ""):
        super().__init__(_("请求格式不正确：%(where)s") % {"where": where} if where else None)


class ServerBusy(AppError):
    """The database's connection pool stayed exhausted for its whole timeout: the server is overloaded. A 503
    with Retry-After tells phones to try again (their pages resend saved work) instead of showing a 500."""

    code, status, default_message = "server_busy", 503, _("服务器繁忙，请稍后重试。")
    retry_after_s = 5


def is_overload(exc: BaseException) -> bool:
    """A database error whose cause is psycopg_pool's PoolTimeout (named, not imported: core stays free of it)."""
    seen = 0
    while exc is not None and seen < 5:
        if type(exc).__name__ == "PoolTimeout" and type(exc).__module__.startswith("psycopg_pool"):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False
