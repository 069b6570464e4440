"""WebSocket URL routes. Each app appends its own patterns here."""

websocket_urlpatterns: list = []
