from django.urls import path

from . import views

app_name = "leaderboards"

urlpatterns = [
    path("contests/<int:contest_id>/", views.board, name="board"),
    path("contests/<int:contest_id>/screen/", views.screen, name="screen"),
    path("contests/<int:contest_id>/manage/", views.manage, name="manage"),
    path("contests/<int:contest_id>/reveal/", views.reveal, name="reveal"),
    path("contests/<int:contest_id>/display-link/", views.rotate_display_link, name="rotate_display_link"),
]
