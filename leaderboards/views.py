"""Pages: the board for signed-in viewers, the big screen (大屏) on its secret link, and the organiser's
controls (display link, reveal). Thin: every decision is in source / services / selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import source
from .services import LeaderboardError, display_token_rotate, leaderboard_reveal
from .store import SCOPES

SCOPE_LABELS = {
    "individual": gettext_lazy("个人榜"),
    "school": gettext_lazy("学校榜"),
    "district": gettext_lazy("区县榜"),
}


def _info_or_404(contest_id: int) -> source.ContestInfo:
    info = source.contest_info(contest_id)
    if info is None:
        raise Http404
    return info


def _ws_path(contest_id: int) -> str:
    return f"/ws/contests/{contest_id}/leaderboard/"


@login_required
def board(request, contest_id: int):
    info = _info_or_404(contest_id)
    access = source.viewer_access(request.user, info)
    if access is None:
        raise PermissionDenied
    scope = request.GET.get("scope", "individual")
    if scope not in SCOPES:
        scope = "individual"
    return render(
        request,
        "leaderboards/board.html",
        {
            "info": info,
            "scope": scope,
            "scopes": [(s, SCOPE_LABELS[s]) for s in SCOPES],
            "ws_path": _ws_path(contest_id),
            "is_organiser": access == source.LIVE_ACCESS,
        },
    )


def screen(request, contest_id: int):
    """The big screen: opened on the hall's PC with the display link (no login), or by an organiser."""
    info = _info_or_404(contest_id)
    display = request.GET.get("display")
    if display is not None:
        if not info.display_token_matches(display):
            raise PermissionDenied
    elif source.viewer_access(request.user, info) is None:
        raise PermissionDenied
    scope = request.GET.get("scope", "individual")
    if scope not in SCOPES:
        scope = "individual"
    response = render(
        request,
        "leaderboards/screen.html",
        {"info": info, "scope": scope, "scope_label": SCOPE_LABELS[scope], "ws_path": _ws_path(contest_id)},
    )
    # the secret is in the URL: keep it out of Referer headers
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def manage(request, contest_id: int):
    info = _info_or_404(contest_id)
    if source.viewer_access(request.user, info) != source.LIVE_ACCESS:
        raise PermissionDenied
    screen_url = request.build_absolute_uri(reverse("leaderboards:screen", args=[contest_id]))
    return render(
        request,
        "leaderboards/manage.html",
        {
            "info": info,
            "screen_url": f"{screen_url}?display={info.display_token}",
            "frozen": info.is_frozen(),
        },
    )


@login_required
@require_POST
def reveal(request, contest_id: int):
    try:
        leaderboard_reveal(contest_id=contest_id, user=request.user)
        messages.success(request, _("已揭晓最终排名。"))
    except LeaderboardError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        messages.error(request, exc.message)
    return redirect("leaderboards:manage", contest_id=contest_id)


@login_required
@require_POST
def rotate_display_link(request, contest_id: int):
    try:
        display_token_rotate(contest_id=contest_id, user=request.user)
        messages.success(request, _("已更换大屏链接，旧链接立即失效。"))
    except LeaderboardError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        messages.error(request, exc.message)
    return redirect("leaderboards:manage", contest_id=contest_id)
