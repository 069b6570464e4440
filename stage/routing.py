from django.urls import path

from .consumers import StageConsumer
from .quiz_consumer import GameConsumer

websocket_urlpatterns = [
    path("ws/stage/events/<int:event_id>/", StageConsumer.as_asgi()),
    path("ws/stage/games/<str:pin>/", GameConsumer.as_asgi()),
]
