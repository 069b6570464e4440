"""Project-layer middleware: the page side of the one error model (the API side is in quizsite/api.py), and
the Content-Security-Policy header."""

from csp.middleware import CSPMiddleware
from django.shortcuts import render

from core.errors import AppError


class AppErrorMiddleware:
    """An `AppError` that escapes a page view becomes a Chinese error page with the error's status,
    instead of a 500. Views that want to re-show a form with the message still catch it themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, AppError):
            return None
        return render(request, "errors/app_error.html", {"error": exception}, status=exception.status)


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
