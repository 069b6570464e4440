"""Project-layer middleware: the page side of the one error model (the API side is in quizsite/api.py)."""

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
