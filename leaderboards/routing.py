from django.urls import path

from .consumers import LeaderboardConsumer

websocket_urlpatterns = [
    path("ws/contests/<int:contest_id>/leaderboard/", LeaderboardConsumer.as_asgi()),
]
