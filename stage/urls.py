from django.urls import path

from .views import event, final, manage, quiz

app_name = "stage"

urlpatterns = [
    path("events/", event.event_list, name="event_list"),
    path("play/", quiz.play, name="play"),
    path("games/<str:pin>/host/", quiz.game_host, name="game_host"),
    path("games/<str:pin>/screen/", quiz.game_screen, name="game_screen"),
    path("games/<str:pin>/qr.svg", quiz.game_qr, name="game_qr"),
    path("events/new/", manage.event_create, name="event_create"),
    path("events/new/final/", final.final_create, name="final_create"),
    path("events/<int:event_id>/", event.event_public, name="event"),
    path("events/<int:event_id>/host/", event.host_console, name="host"),
    path("events/<int:event_id>/judge/", event.judge_page, name="judge"),
    path("events/<int:event_id>/judge/link/<str:token>/", event.judge_link, name="judge_link"),
    path("events/<int:event_id>/team/", event.team_page, name="team"),
    path("events/<int:event_id>/team/link/<str:token>/", event.team_link, name="team_link"),
    path("events/<int:event_id>/screen/", event.screen, name="screen"),
    path("events/<int:event_id>/draw/", event.draw_verify, name="draw_verify"),
    path("events/<int:event_id>/manage/", manage.manage, name="manage"),
    path("events/<int:event_id>/manage/<str:action>/", manage.manage_action, name="manage_action"),
    path("events/<int:event_id>/final/<str:action>/", final.final_action, name="final_action"),
    path(
        "events/<int:event_id>/final/questions/<int:question_id>/edit/",
        final.question_edit,
        name="final_question_edit",
    ),
    path("events/<int:event_id>/results.xlsx", manage.export_xlsx, name="export"),
    path("events/<int:event_id>/bias/", manage.bias, name="bias"),
    path("events/<int:event_id>/audit/", manage.audit_log, name="audit"),
]
