"""Pages of the hall quiz: PIN entry and the player's phone (`/stage/play/`), the host's game console and
the game's big screen. Everything moving arrives over `ws/stage/games/<pin>/`."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from core.errors import AppError

from .. import services
from ..access import can_host, display_matches
from ..errors import NotAllowed
from ..models import QuizGame
from ..qr import qr_svg
from ..quiz_consumer import SESSION_PLAYERS

WS = "/ws/stage/games/{}/"


def play(request):
    """GET: the PIN form (?pin= prefilled from the screen's QR). POST: join (or come back) and play."""
    pin = (request.POST.get("pin") or request.GET.get("pin") or "").strip()
    error = None
    if request.method == "POST":
        tokens = request.session.get(SESSION_PLAYERS) or {}
        try:
            player = services.quiz_join(
                pin=pin,
                user=request.user if request.user.is_authenticated else None,
                nickname=request.POST.get("nickname", ""),
                token=tokens.get(pin),
                now=timezone.now(),
            )
        except AppError as exc:
            error = exc.message
        else:
            tokens[pin] = player.token
            request.session[SESSION_PLAYERS] = tokens
            return render(
                request, "stage/quiz_play.html", {"player": player, "game": player.game, "ws": WS.format(pin)}
            )
    return render(request, "stage/quiz_join.html", {"pin": pin, "error": error}, status=400 if error else 200)


def _game(pin: str) -> QuizGame:
    game = QuizGame.objects.select_related("event").filter(pin=pin).first()
    if game is None:
        raise Http404
    return game


def game_host(request, pin: str):
    game = _game(pin)
    if not can_host(request.user, game.event):
        raise NotAllowed()
    return render(
        request,
        "stage/quiz_host.html",
        {"game": game, "ws": WS.format(pin) + "?role=host", "join_url": "/stage/play/?pin=" + pin},
    )


@require_GET
@cache_control(max_age=300)
def game_qr(request, pin: str):
    """The join QR for the screen: an SVG made here (no CDN), of /stage/play/?pin=… on this host. The PIN
    is shown on the screen anyway, so the image is public."""
    game = _game(pin)
    url = request.build_absolute_uri(reverse("stage:play")) + "?pin=" + game.pin
    return HttpResponse(qr_svg(url), content_type="image/svg+xml")


def game_screen(request, pin: str):
    game = _game(pin)
    display = request.GET.get("display", "")
    if not display_matches(game.event, display):
        raise Http404
    back = None
    if request.GET.get("from") == "event":  # opened by the event's screen: go back when the host says so
        back = {
            "ws": f"/ws/stage/events/{game.event_id}/?role=screen&display={display}",
            "url": reverse("stage:screen", args=[game.event_id]) + "?display=" + display,
        }
    return render(
        request,
        "stage/quiz_screen.html",
        {
            "game": game,
            "ws": WS.format(pin) + "?role=screen&display=" + display,
            "join_url": "/stage/play/?pin=" + pin,
            "back": back,
        },
    )
