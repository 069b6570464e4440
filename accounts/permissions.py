"""View decorators for server-side role checks; every page and API call goes through one of these."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .selectors import Scope, scope_for


def request_scope(request) -> Scope:
    scope = getattr(request, "_scope", None)
    if scope is None or scope.user is not request.user:
        scope = scope_for(request.user)
        request._scope = scope
    return scope


def role_required(*roles: str):
    """Allow the view only to users holding one of `roles` (site admins always pass)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            scope = request_scope(request)
            if not (scope.is_admin or scope.roles.intersection(roles)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
