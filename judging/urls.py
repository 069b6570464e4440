from django.urls import path

from . import views

app_name = "judging"

urlpatterns = [
    path("", views.index, name="index"),
    # students
    path("c/<int:pk>/entry/", views.entry_edit, name="entry_edit"),
    path("c/<int:pk>/autosave/", views.entry_autosave, name="entry_autosave"),
    path("c/<int:pk>/file-status/", views.entry_file_status, name="entry_file_status"),
    path("e/<int:pk>/file/", views.entry_file, name="entry_file"),
    path("c/<int:pk>/team/<str:action>/", views.team_action, name="team_action"),
    # judges: only assignment ids in URLs, never entry ids or names
    path("queue/", views.judge_queue, name="judge_queue"),
    path("a/<int:pk>/", views.judge_score, name="judge_score"),
    path("a/<int:pk>/file/", views.judge_file, name="judge_file"),
    # organisers
    path("manage/new/", views.contest_create, name="contest_create"),
    path("manage/<int:pk>/", views.dashboard, name="dashboard"),
    path("manage/<int:pk>/rubric/", views.rubric_edit, name="rubric_edit"),
    path("manage/<int:pk>/rounds/new/", views.round_create, name="round_create"),
    path("manage/<int:pk>/awards/", views.awards, name="awards"),
    path("manage/<int:pk>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("manage/round/<int:pk>/", views.round_detail, name="round_detail"),
    path("manage/round/<int:pk>/action/", views.round_action, name="round_action"),
]
