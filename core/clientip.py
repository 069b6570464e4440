"""The client's address behind a known number of reverse proxies, said once for pages, the API and raw ASGI paths.

nginx appends the peer it saw to X-Forwarded-For (`$proxy_add_x_forwarded_for`), so anything left of the last
PROXY_COUNT entries was written by the client and can be forged. With PROXY_COUNT = N the client is the N-th entry
from the right; a header with fewer entries, or an entry that is not an address, is not trusted and the socket peer
is used instead (as werkzeug's ProxyFix does). PROXY_COUNT = 0 (direct exposure, development) ignores the header.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip_from(peer: str, forwarded_for: str | None, proxy_count: int | None = None) -> str:
    count = settings.PROXY_COUNT if proxy_count is None else proxy_count
    if count <= 0 or not forwarded_for:
        return peer
    hops = [part.strip() for part in forwarded_for.split(",")]
    if len(hops) < count:
        return peer
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer


def request_client_ip(request) -> str:
    """For Django views and ninja endpoints."""
    return client_ip_from(request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR"))


def scope_client_ip(scope) -> str:
    """For raw ASGI code (fast paths, consumers): the same rule on an ASGI scope."""
    peer = (scope.get("client") or ("", 0))[0] or ""
    forwarded = None
    for name, value in scope.get("headers") or ():
        if name == b"x-forwarded-for":
            # several headers are one comma-separated list, in order
            text = value.decode("latin-1")
            forwarded = text if forwarded is None else f"{forwarded}, {text}"
    return client_ip_from(peer, forwarded)
