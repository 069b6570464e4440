import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings.local")

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from honours.fastpath import VoteFastPath  # noqa: E402
from quizsite.origin import browser_origin_validator  # noqa: E402
from quizsite.routing import websocket_urlpatterns  # noqa: E402
from reading.fastpath import ProgressFastPath  # noqa: E402

application = ProtocolTypeRouter(
    {
        # lean reading-progress saves (ProgressFastPath extends AnswerFastPath), answer saves and votes, else Django
        "http": ProgressFastPath(VoteFastPath(django_asgi_app)),
        # a foreign Origin is refused; a missing one (native / mini-program clients) goes on to token auth
        "websocket": browser_origin_validator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
