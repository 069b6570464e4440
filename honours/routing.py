from django.urls import path

from .consumers import LiveCountsConsumer

websocket_urlpatterns = [
    path("ws/honours/<int:campaign_id>/live/", LiveCountsConsumer.as_asgi()),
]
