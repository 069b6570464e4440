from .selectors import scope_for


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": set()}
    scope = getattr(request, "_scope", None) or scope_for(user)
    request._scope = scope
    return {"user_roles": scope.roles, "scope": scope}
