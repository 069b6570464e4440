"""The JSON API (django-ninja) at /api/v1/. Apps add routers here; errors are always
{"code": "...", "message": "..."} with a 4xx status."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import OperationalError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from core.errors import AppError, InvalidRequest, PayloadTooLarge, ServerBusy, Unauthorized, is_overload
from core.textsafe import InvalidJson, loads_json


class SafeJsonParser(Parser):
    """Bodies the database can store: deep nesting, NUL and lone surrogates are a 400, not a 500."""

    def parse_body(self, request):
        return loads_json(request.body)


api = NinjaAPI(title="南通市青少年竞赛平台 API", version="1.0.0", urls_namespace="api", parser=SafeJsonParser())


def error_response(request, code: str, message: str, status: int):
    return api.create_response(request, {"code": code, "message": message}, status=status)


@api.exception_handler(AppError)
def _app_error(request, exc: AppError):
    response = error_response(request, exc.code, exc.message, exc.status)
    if retry_after_s := getattr(exc, "retry_after_s", None):  # ServerBusy: when to try again
        response["Retry-After"] = str(retry_after_s)
    return response


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    first = exc.errors[0] if exc.errors else {}
    where = ".".join(str(p) for p in first.get("loc", []) if p not in ("body", "payload"))
    return _app_error(request, InvalidRequest(where))


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return _app_error(request, Unauthorized())


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return error_response(request, "forbidden", "没有权限执行此操作。", 403)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # ninja wraps any failure to read or parse the body in HttpError(400): say what really happened
    cause = exc.__cause__
    if isinstance(cause, RequestDataTooBig):
        return _app_error(request, PayloadTooLarge())
    if isinstance(cause, AppError):
        return _app_error(request, cause)
    if exc.status_code == 400:
        return _app_error(request, InvalidJson())
    return error_response(request, f"http_{exc.status_code}", str(exc), exc.status_code)


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return _app_error(request, PayloadTooLarge())


@api.exception_handler(OperationalError)
def _database_error(request, exc: OperationalError):
    if is_overload(exc):  # the pool stayed empty: a 503 the client retries, not a 500
        return _app_error(request, ServerBusy())
    raise exc


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(request, "not_found", "请求的资源不存在。", 404)


# --- routers (each app appends its own registration) -------------------------------------------
from accounts.api import router as auth_router  # noqa: E402
from competitions.api import router as competitions_router  # noqa: E402

api.add_router("/auth", auth_router)
api.add_router("/", competitions_router)
from judging.api import router as judging_router  # noqa: E402

api.add_router("/judging", judging_router)
from results.api import router as results_router  # noqa: E402

api.add_router("/", results_router)
from leaderboards.api import router as leaderboards_router  # noqa: E402

api.add_router("/", leaderboards_router)
from honours.api import router as honours_router  # noqa: E402

api.add_router("/honours", honours_router)
from reading.api import router as reading_router  # noqa: E402

api.add_router("/", reading_router)
