from django.urls import path

from . import views, views_manage, views_paper

app_name = "competitions"

urlpatterns = [
    path("", views.contest_list, name="contest_list"),
    path("new/", views_manage.contest_create, name="contest_create"),
    path("<int:pk>/", views.contest_detail, name="contest_detail"),
    path("<int:pk>/edit/", views_manage.contest_edit, name="contest_edit"),
    path("<int:pk>/paper.pdf", views_paper.paper_print, name="paper_print"),
    path("paper/available/", views_paper.paper_available, name="paper_available"),
    path("paper/questions/", views_paper.paper_questions, name="paper_questions"),
    path("<int:pk>/publish/", views_manage.contest_publish, name="contest_publish"),
    path("<int:pk>/start/", views.attempt_start, name="attempt_start"),
    path("<int:pk>/results/", views_manage.contest_results, name="contest_results"),
    path("<int:pk>/results/class/<int:class_id>/", views_manage.contest_class_roll_call, name="class_roll_call"),
    path("<int:pk>/analysis/", views_manage.contest_analysis, name="contest_analysis"),
    path("<int:pk>/export.xlsx", views_manage.contest_export, name="contest_export"),
    path("attempts/<int:pk>/", views.attempt_take, name="attempt_take"),
    path("attempts/<int:pk>/submit/", views.attempt_submit, name="attempt_submit"),
    path("attempts/<int:pk>/result/", views.attempt_result, name="attempt_result"),
]
