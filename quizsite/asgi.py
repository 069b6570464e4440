import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings.local")

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from competitions.fastpath import AnswerFastPath  # noqa: E402
from core.daphne_http import tune_server_process  # noqa: E402
from core.fastpath import Pools  # noqa: E402
from honours.fastpath import VoteFastPath  # noqa: E402
from quizsite.origin import browser_origin_validator  # noqa: E402
from quizsite.routing import websocket_urlpatterns  # noqa: E402
from reading.fastpath import ProgressFastPath  # noqa: E402


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

# Twisted's form parsing and request log off, startup objects frozen out of the collector: see
# core/daphne_http.py
tune_server_process()
