"""API authentication: POST /api/v1/auth/token, and the auth class every other endpoint uses
(`Authorization: Bearer <token>`, or the Django session with CSRF for same-origin pages)."""

from django.contrib.auth import authenticate
from ninja import Router, Schema
from ninja.security.http import HttpAuthBase
from ninja.utils import check_csrf

from core.errors import ApiError, PasswordChangeRequired

from .tokens import token_issue, token_user

router = Router(tags=["auth"])

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class BearerOrSession(HttpAuthBase):
    """Bearer token first; otherwise the session (unsafe methods must carry the CSRF token).
    Accounts that still have to change their initial password get `password_change_required`."""

    openapi_scheme = "bearer"

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _, raw = header.partition(" ")
            if scheme.lower() != "bearer":
                return None
            user = token_user(raw.strip())
            if user is None:
                return None
        else:
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                return None
            if request.method not in SAFE_METHODS and check_csrf(request) is not None:
                raise ApiError("csrf_failed", "CSRF 校验失败，请刷新页面后重试。", 403)
        if user.must_change_password:
            raise PasswordChangeRequired()
        request.user = user
        return user


api_auth = BearerOrSession()


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


@router.post("/token", response={200: TokenOut}, auth=None, summary="用户名密码换取接口令牌")
def token_create(request, payload: TokenIn):
    # authenticate() goes through django-axes: failures are counted per username and per IP, and a
    # locked-out request is refused even with the right password.
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # Answer in JSON ourselves; stop axes' middleware replacing the response with its HTML page.
        request.axes_locked_out = False
        raise ApiError("locked_out", "登录失败次数过多，请稍后再试。", 429)
    if user is None or not user.is_active:
        raise ApiError("invalid_credentials", "用户名或密码错误。", 401)
    return {"token": token_issue(user=user)}
