"""Do the sync views of concurrent requests share one thread under Django's ASGI handler? (issue 17)

    .venv/bin/python bench/sync_view_threads.py

Five concurrent requests to a sync view that sleeps 0.2 s, through django.core.asgi's handler with no
middleware. One shared thread would take ~1.0 s; Django 5.2 enters a ThreadSensitiveContext per request,
so each request's thread-sensitive code gets its own one-thread executor and they overlap (~0.2 s).
Sleeping releases the GIL as a database wait does; Python work does not, so a daphne process still
runs at most one core of view code at a time whatever the threads."""

import asyncio
import threading
import time

import django
from django.conf import settings

settings.configure(DEBUG=False, ROOT_URLCONF=__name__, ALLOWED_HOSTS=["*"], SECRET_KEY="bench", MIDDLEWARE=[])
django.setup()

from django.core.asgi import get_asgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

threads: set[int] = set()


def slow(request):
    threads.add(threading.get_ident())
    time.sleep(0.2)
    return HttpResponse("ok")


urlpatterns = [path("slow/", slow)]
app = get_asgi_application()
SCOPE = {
    "type": "http",
    "method": "GET",
    "path": "/slow/",
    "headers": [],
    "query_string": b"",
    "asgi": {"version": "3.0"},
}


async def one() -> None:
    pending = [{"type": "http.request", "body": b"", "more_body": False}]
    done = asyncio.Event()

    async def receive():
        if pending:
            return pending.pop()
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.body" and not message.get("more_body"):
            done.set()

    await app(SCOPE, receive, send)


async def main() -> None:
    started = time.perf_counter()
    await asyncio.gather(*[one() for _ in range(5)])
    print(f"5 concurrent requests to a 0.2 s sync view: {time.perf_counter() - started:.2f} s, {len(threads)} threads")


if __name__ == "__main__":
    asyncio.run(main())
