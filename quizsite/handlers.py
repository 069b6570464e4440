"""Django's ASGI handler with the middleware chain and the view run in one thread hop per request.

All our middleware and every view are synchronous. Under ASGI, Django builds each middleware in the mode
it can: ours are sync-only, axes (innermost) is async-capable, so a request goes to a thread for the outer
chain, back to the event loop (async_to_sync) for axes and URL resolution, and to a thread again for the
view, then back twice. Each handoff is a thread switch plus a copy of the context: ~0.8 ms of CPU out of
a page's 13–14 (bench/README.md, contest morning). Here the chain is built in sync mode, exactly as under
WSGI and as the test client runs it, and all of it runs in one `sync_to_async` hop, on the request's
thread-sensitive thread (the one its database connection and request_started/finished receivers use).
An async view would still work (Django calls it through async_to_sync); there is none."""

from __future__ import annotations

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler


class OneHopASGIHandler(ASGIHandler):
    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


def get_one_hop_asgi_application() -> OneHopASGIHandler:
    """As django.core.asgi.get_asgi_application, with OneHopASGIHandler."""
    django.setup(set_prefix=False)
    return OneHopASGIHandler()
