import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings.local")

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from competitions.fastpath import AnswerFastPath  # noqa: E402
from core.daphne_http import skip_form_parsing, skip_twisted_request_log  # noqa: E402
from core.fastpath import Pools  # noqa: E402
from honours.fastpath import VoteFastPath  # noqa: E402
from quizsite.origin import browser_origin_validator  # noqa: E402
from quizsite.routing import websocket_urlpatterns  # noqa: E402
from reading.fastpath import ProgressFastPath  # noqa: E402

skip_form_parsing()  # daphne never reads Twisted's parsed form args; see core/daphne_http.py
skip_twisted_request_log()  # nginx writes the access log


def fast_paths(app):
    """The raw ASGI fast paths (core/fastpath) in front of Django, sharing one asyncio pool and one token
    cache: reading-progress saves, answer saves and votes; everything else goes to `app`."""
    pools = Pools()
    votes = VoteFastPath(app, pools=pools)
    answers = AnswerFastPath(votes, pools=pools, tokens=votes.tokens)
    return ProgressFastPath(answers, pools=pools, tokens=votes.tokens)


application = ProtocolTypeRouter(
    {
        "http": fast_paths(django_asgi_app),
        # a foreign Origin is refused; a missing one (native / mini-program clients) goes on to token auth
        "websocket": browser_origin_validator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# Everything imported so far lives as long as the process. Frozen, the ~150,000 startup objects are out
# of the collector's reach: a full collection walked them all, stalling the event loop (a measured
# 142 ms on this machine) and every request in flight with it — the vote burst's p99 went from
# 240–265 ms to ~150 ms (bench/votes.py).
gc.collect()
gc.freeze()
