from django.urls import path

from .views import organisers, paper, students

app_name = "competitions"

urlpatterns = [
    path("", students.contest_list, name="contest_list"),
    path("new/", organisers.contest_create, name="contest_create"),
    path("<int:pk>/", students.contest_detail, name="contest_detail"),
    path("<int:pk>/edit/", organisers.contest_edit, name="contest_edit"),
    path("<int:pk>/paper.pdf", paper.paper_print, name="paper_print"),
    path("paper/available/", paper.paper_available, name="paper_available"),
    path("paper/questions/", paper.paper_questions, name="paper_questions"),
    path("<int:pk>/publish/", organisers.contest_publish, name="contest_publish"),
    path("<int:pk>/start/", students.attempt_start, name="attempt_start"),
    path("<int:pk>/results/", organisers.contest_results, name="contest_results"),
    path("<int:pk>/results/class/<int:class_id>/", organisers.contest_class_roll_call, name="class_roll_call"),
    path("<int:pk>/analysis/", organisers.contest_analysis, name="contest_analysis"),
    path("<int:pk>/export.xlsx", organisers.contest_export, name="contest_export"),
    path("attempts/<int:pk>/", students.attempt_take, name="attempt_take"),
    path("attempts/<int:pk>/submit/", students.attempt_submit, name="attempt_submit"),
    path("attempts/<int:pk>/result/", students.attempt_result, name="attempt_result"),
]
