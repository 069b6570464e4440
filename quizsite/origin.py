"""Origin check for WebSocket handshakes that also admits clients without a browser.

channels' AllowedHostsOriginValidator refuses a handshake without an Origin header unless
ALLOWED_HOSTS contains "*". Browsers always send Origin on a WebSocket handshake; native apps, WeChat
mini-programs and scripts usually do not, and they authenticate with a Bearer token, not an ambient
cookie — so cross-site hijacking (the reason for the check) does not apply to them. This validator
refuses a present-but-foreign Origin exactly as channels does and lets a missing one through to the
consumer's own authentication. Use it in quizsite/asgi.py in place of AllowedHostsOriginValidator."""

from channels.security.websocket import OriginValidator
from django.conf import settings


class BrowserOriginValidator(OriginValidator):
    def valid_origin(self, parsed_origin):
        if parsed_origin is None:
            return True
        return super().valid_origin(parsed_origin)


def browser_origin_validator(application):
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        allowed = ["localhost", "127.0.0.1", "[::1]"]
    return BrowserOriginValidator(application, allowed)
