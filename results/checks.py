"""Deploy checks: certificates print a verify link and QR code that must work for years, so production
needs an explicit public SITE_URL (`manage.py check --deploy` fails without it)."""

from urllib.parse import urlparse

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def site_url_is_set(app_configs=None, **kwargs):
    value = (getattr(settings, "SITE_URL", "") or "").strip()
    if not value:
        return [
            Error(
                "SITE_URL is not set: certificate QR codes and verify links would point nowhere.",
                hint="Set SITE_URL to the public https address, e.g. SITE_URL=https://contest.example.cn "
                "(see deploy/quizsite.env.example).",
                id="results.E001",
            )
        ]
    parsed = urlparse(value)
    if parsed.scheme != "https" or not parsed.netloc or parsed.path not in ("", "/"):
        return [
            Error(
                f"SITE_URL must be an https origin without a path, got {value!r}.",
                hint="e.g. SITE_URL=https://contest.example.cn",
                id="results.E002",
            )
        ]
    return []
