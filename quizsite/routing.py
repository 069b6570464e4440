"""WebSocket URL routes. Each app appends its own patterns here."""

websocket_urlpatterns: list = []

from leaderboards.routing import websocket_urlpatterns as _leaderboard_ws  # noqa: E402

websocket_urlpatterns += _leaderboard_ws
from stage.routing import websocket_urlpatterns as _stage_ws  # noqa: E402

websocket_urlpatterns += _stage_ws
