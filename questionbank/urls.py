from django.urls import path

from . import views

app_name = "questionbank"

urlpatterns = [
    path("", views.question_list, name="list"),
    path("new/", views.question_new, name="new"),
    path("submit/", views.question_submit_many_view, name="submit_many"),
    path("<int:pk>/", views.question_detail, name="detail"),
    path("<int:pk>/edit/", views.question_edit, name="edit"),
    path("<int:pk>/<str:action>/", views.question_action, name="action"),
    path("review/", views.review_queue_view, name="review_queue"),
    path("topics/", views.topic_list, name="topics"),
    path("import/", views.import_upload, name="import"),
    path("import/<uuid:pk>/", views.import_job, name="import_job"),
    path("import/<uuid:pk>/errors.xlsx", views.import_job_failed_rows, name="import_job_failed_rows"),
    path("import/<uuid:pk>/status/", views.import_job_status, name="import_job_status"),
    path("template.xlsx", views.import_template, name="template"),
    path("export.<str:fmt>", views.export, name="export"),
]
