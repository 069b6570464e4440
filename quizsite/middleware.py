"""Project-layer middleware: the page side of the one error model (the API side is in quizsite/api.py), and
the Content-Security-Policy header."""

import re

from csp.middleware import CSPMiddleware
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, JsonResponse
from django.shortcuts import render

from core.errors import AppError, ServerBusy, is_overload
from core.textsafe import InvalidCharacters


class AppErrorMiddleware:
    """An `AppError` that escapes a page view becomes a Chinese error page with the error's status,
    instead of a 500. Views that want to re-show a form with the message still catch it themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_overload(exception) or isinstance(exception, ServerBusy):
            return overload_response(request)
        if not isinstance(exception, AppError):
            return None
        return render(request, "errors/app_error.html", {"error": exception}, status=exception.status)


def overload_response(request):
    error = ServerBusy()
    response = _error_response(request, error, without_session(request))
    response["Retry-After"] = str(error.retry_after_s)
    return response


def without_session(request) -> dict:
    """Prepares an error page that must not need the database that may just have failed: no signed-in
    user (the session and the user are read from it), no messages (they may live in the session).
    Returns the context entries that shadow them."""
    request.user = AnonymousUser()
    return {"messages": ()}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with the page's own WebSocket origin added to connect-src: CSP3 lets 'self' match
    ws:/wss: on the same host, but older WebKit (iOS before 15.4) does not, and live leaderboards run
    on those phones. The host is request.get_host(), already checked against ALLOWED_HOSTS."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only:
            ws = "wss" if request.is_secure() else "ws"
            parts.update = {**(parts.update or {}), "connect-src": [f"{ws}://{request.get_host()}"]}
        return parts


# The database's id range (BigAutoField: signed 64-bit). An id outside it can name nothing.
ID_MIN, ID_MAX = -(2**63), 2**63 - 1
_DIGITS = re.compile(r"-?\d+")


class RequestSanityMiddleware:
    """Input no view should have to think about, refused once for every URL before any view runs:
    - an id in the path outside the database's range is a 404 (Django `<int:…>` converters give ints;
      the API's path parameters arrive as digit strings);
    - NUL in the query string is a 400 (PostgreSQL cannot compare text with NUL; forms' CharFields
      already refuse it in bodies, and core.textsafe handles JSON bodies)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in [*view_args, *view_kwargs.values()]:
            if isinstance(value, str) and _DIGITS.fullmatch(value):
                # int() of thousands of digits is itself an error (sys.int_info.str_digits_check_threshold)
                value = int(value) if len(value) <= 20 else ID_MAX + 1
            if isinstance(value, int) and not isinstance(value, bool) and not ID_MIN <= value <= ID_MAX:
                raise Http404
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            return _error_response(request, InvalidCharacters())
        return None


def _error_response(request, error: AppError, context: dict | None = None):
    if request.path.startswith("/api/"):
        return JsonResponse({"code": error.code, "message": error.message}, status=error.status)
    return render(request, "errors/app_error.html", {"error": error, **(context or {})}, status=error.status)
