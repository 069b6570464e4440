from django.shortcuts import redirect
from django.urls import reverse

EXEMPT_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/password/",
    "/static/",
    "/api/",
    "/ws/",
    "/verify/",
)


class ForcePasswordChangeMiddleware:
    """Students (and any account created with an initial password) must set their own password before
    using anything else. The API answers such accounts with a JSON error of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            return redirect(reverse("accounts:password_change"))
        return self.get_response(request)
