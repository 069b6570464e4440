from django.urls import path

from .consumers import StageConsumer

websocket_urlpatterns = [
    path("ws/stage/events/<int:event_id>/", StageConsumer.as_asgi()),
]
