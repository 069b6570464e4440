from django.urls import path

from . import views, views_final, views_manage, views_quiz

app_name = "stage"

urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("play/", views_quiz.play, name="play"),
    path("games/<str:pin>/host/", views_quiz.game_host, name="game_host"),
    path("games/<str:pin>/screen/", views_quiz.game_screen, name="game_screen"),
    path("games/<str:pin>/qr.svg", views_quiz.game_qr, name="game_qr"),
    path("events/new/", views_manage.event_create, name="event_create"),
    path("events/new/final/", views_final.final_create, name="final_create"),
    path("events/<int:event_id>/", views.event_public, name="event"),
    path("events/<int:event_id>/host/", views.host_console, name="host"),
    path("events/<int:event_id>/judge/", views.judge_page, name="judge"),
    path("events/<int:event_id>/judge/link/<str:token>/", views.judge_link, name="judge_link"),
    path("events/<int:event_id>/team/", views.team_page, name="team"),
    path("events/<int:event_id>/team/link/<str:token>/", views.team_link, name="team_link"),
    path("events/<int:event_id>/screen/", views.screen, name="screen"),
    path("events/<int:event_id>/draw/", views.draw_verify, name="draw_verify"),
    path("events/<int:event_id>/manage/", views_manage.manage, name="manage"),
    path("events/<int:event_id>/manage/<str:action>/", views_manage.manage_action, name="manage_action"),
    path("events/<int:event_id>/final/<str:action>/", views_final.final_action, name="final_action"),
    path("events/<int:event_id>/results.xlsx", views_manage.export_xlsx, name="export"),
    path("events/<int:event_id>/bias/", views_manage.bias, name="bias"),
    path("events/<int:event_id>/audit/", views_manage.audit_log, name="audit"),
]
