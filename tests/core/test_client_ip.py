"""Who the client is behind nginx: forged X-Forwarded-For entries never decide a vote's network."""

import pytest
from django.test import RequestFactory, override_settings

from core.clientip import client_ip_from, request_client_ip, scope_client_ip


def test_without_proxies_the_header_is_ignored():
    assert client_ip_from("10.0.0.9", "1.2.3.4", proxy_count=0) == "10.0.0.9"


def test_behind_one_proxy_the_entry_nginx_appended_is_the_client():
    # the client forged "6.6.6.6"; nginx appended the real peer 203.0.113.7
    assert client_ip_from("127.0.0.1", "6.6.6.6, 203.0.113.7", proxy_count=1) == "203.0.113.7"


def test_behind_two_proxies_counts_from_the_right():
    assert client_ip_from("127.0.0.1", "6.6.6.6, 203.0.113.7, 10.1.1.1", proxy_count=2) == "203.0.113.7"


@pytest.mark.parametrize("header", ["", "not-an-ip", "203.0.113.7"])
def test_short_or_garbled_header_falls_back_to_the_peer(header):
    assert client_ip_from("127.0.0.1", header or None, proxy_count=2) == "127.0.0.1"
    assert client_ip_from("127.0.0.1", "x, not-an-ip", proxy_count=1) == "127.0.0.1"


@override_settings(PROXY_COUNT=1)
def test_pages_and_raw_asgi_agree():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4")
    scope = {
        "client": ("127.0.0.1", 5555),
        "headers": [(b"x-forwarded-for", b"6.6.6.6"), (b"x-forwarded-for", b"198.51.100.4")],
    }
    assert request_client_ip(request) == scope_client_ip(scope) == "198.51.100.4"
