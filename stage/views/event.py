"""Pages of a stage event. Thin: resolve who is asking, call a selector or service, render. The live
pages (host, judge, screen) render a shell; everything moving arrives over the event's WebSocket."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..access import can_host, display_matches, event_or_404, seat_for_link, seat_for_user, team_for_link
from ..consumers import SESSION_LINKS, SESSION_TEAMS
from ..devices import DEVICE_COOKIE, DEVICE_TAKEN, claim, holds, new_device_id, remember_device
from ..errors import NotAllowed
from ..models import EventKind, EventStatus, StageEvent
from ..selectors import TIERS, event_results
from ..verify import verify

WS_PATH = "/ws/stage/events/{}/"


def event_list(request):
    events = StageEvent.objects.select_related("owner_org").order_by("-date", "-id")[:100]
    hosted = {e.pk for e in events if can_host(request.user, e)}
    return render(request, "stage/event_list.html", {"events": events, "hosted": hosted})


def event_public(request, event_id: int):
    """Programme, rules, draw commitment and results. Results shown are those revealed on stage; once
    the event has finished, the official (locked) results with awards."""
    event = event_or_404(event_id)
    finished = event.status == EventStatus.FINISHED
    if event.kind == EventKind.FINAL:
        return _final_public(request, event, finished)
    results = event_results(event, only="locked" if finished else "revealed")
    return render(
        request,
        "stage/event_public.html",
        {
            "event": event,
            "criteria": event.criteria.all(),
            "results": results,
            "finished": finished,
            "can_host": can_host(request.user, event),
            "tiers": TIERS,
            "performers": event.performers.select_related("category").order_by(
                "running_order", "category__position", "code"
            ),
        },
    )


def _final_public(request, event: StageEvent, finished: bool):
    """A final's public page: teams, the rounds and their rules, the scoreboard (the same `team_scores` the
    screen shows). Nothing of a question: questions stay on the stage."""
    from ..selectors_final import team_scores

    return render(
        request,
        "stage/final_public.html",
        {
            "event": event,
            "teams": team_scores(event),
            "rounds": event.rounds.order_by("position", "id"),
            "finished": finished,
            "can_host": can_host(request.user, event),
        },
    )


def host_console(request, event_id: int):
    event = event_or_404(event_id)
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not can_host(request.user, event):
        raise NotAllowed()
    seats = event.seats.all()
    if event.kind == EventKind.FINAL:
        return render(
            request,
            "stage/final_host.html",
            {"event": event, "ws": WS_PATH.format(event.pk) + "?role=host", "games": event.games.order_by("pk")},
        )
    return render(
        request,
        "stage/host.html",
        {
            "event": event,
            "ws": WS_PATH.format(event.pk) + "?role=host",
            "seats": seats,
            "criteria": event.criteria.all(),
        },
    )


def judge_link(request, event_id: int, token: str):
    """The QR on a judge's seat card. The first device to open it (page or socket) keeps the seat; another
    device gets a refusal until the organiser resets the binding or issues a new link."""
    event = event_or_404(event_id)
    seat = seat_for_link(event, token)
    if seat is None:
        return render(
            request, "stage/judge_denied.html", {"event": event, "reason": _("该评委链接无效或已被吊销。")}, status=403
        )
    return _bind_link(request, event, seat, token, SESSION_LINKS, "judge", "stage:judge")


def _bind_link(request, event, holder, token: str, session_key: str, kind: str, then: str):
    device = request.COOKIES.get(DEVICE_COOKIE) or new_device_id()
    if not claim(holder, device, timezone.now()):
        return render(request, "stage/judge_denied.html", {"event": event, "reason": DEVICE_TAKEN[kind]}, status=403)
    links = request.session.get(session_key) or {}
    links[str(event.pk)] = token
    request.session[session_key] = links
    response = redirect(then, event_id=event.pk)
    remember_device(request, response, device)
    return response


def _device_refusal(request, event, holder, kind: str):
    """A page opened from a session that holds the link, but on a device other than the bound one."""
    if holder is not None and not holds(holder, request.COOKIES.get(DEVICE_COOKIE)):
        return render(request, "stage/judge_denied.html", {"event": event, "reason": DEVICE_TAKEN[kind]}, status=403)
    return None


def judge_page(request, event_id: int):
    event = event_or_404(event_id)
    token = (request.session.get(SESSION_LINKS) or {}).get(str(event.pk))
    by_link = seat_for_link(event, token)
    refusal = _device_refusal(request, event, by_link, "judge")
    if refusal is not None:
        return refusal
    seat = by_link or seat_for_user(event, request.user)
    if seat is None:
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        return render(
            request, "stage/judge_denied.html", {"event": event, "reason": _("您不是本场活动的评委。")}, status=403
        )
    return render(
        request,
        "stage/judge.html",
        {"event": event, "seat": seat, "ws": WS_PATH.format(event.pk) + "?role=judge"},
    )


@require_GET
def screen(request, event_id: int):
    event = event_or_404(event_id)
    display = request.GET.get("display", "")
    if not display_matches(event, display):
        raise Http404
    return render(
        request,
        "stage/final_screen.html" if event.kind == EventKind.FINAL else "stage/screen.html",
        {
            "event": event,
            "ws": WS_PATH.format(event.pk) + "?role=screen&display=" + display,
            "display": display,
            "seats": event.seats.all(),
        },
    )


@require_GET
def draw_verify(request, event_id: int):
    """Anyone recomputes the running order from the revealed seed and the public input (or tries their
    own values: the page shows what order those would give)."""
    event = event_or_404(event_id)
    seed = request.GET.get("seed") or None
    public_input = request.GET.get("input") or None
    result = verify(event, seed=seed, public_input=public_input) if (event.drawn_at or seed) else None
    return render(
        request,
        "stage/draw_verify.html",
        {"event": event, "result": result, "categories": event.categories.prefetch_related("performers")},
    )


def team_link(request, event_id: int, token: str):
    """The QR on a team's table card: like a judge link, the first device keeps it."""
    event = event_or_404(event_id)
    team = team_for_link(event, token)
    if team is None:
        return render(
            request, "stage/judge_denied.html", {"event": event, "reason": _("该队伍链接无效或已被吊销。")}, status=403
        )
    return _bind_link(request, event, team, token, SESSION_TEAMS, "team", "stage:team")


def team_page(request, event_id: int):
    event = event_or_404(event_id)
    team = team_for_link(event, (request.session.get(SESSION_TEAMS) or {}).get(str(event.pk)))
    refusal = _device_refusal(request, event, team, "team")
    if refusal is not None:
        return refusal
    if team is None:
        return render(
            request, "stage/judge_denied.html", {"event": event, "reason": _("请扫描本队的二维码进入。")}, status=403
        )
    return render(
        request, "stage/final_team.html", {"event": event, "team": team, "ws": WS_PATH.format(event.pk) + "?role=team"}
    )
