from django.urls import path

from .views import cases, manage, monthly, student, teacher

app_name = "reading"

urlpatterns = [
    path("", student.reading_index, name="index"),
    path("<int:pk>/", student.reading_detail, name="detail"),
    path("<int:pk>/quiz/", student.quiz_submit, name="quiz"),
    path("<int:pk>/reflection/", student.reflection_submit, name="reflection"),
    path("series/<int:pk>/", student.series_detail, name="series"),
    path("record/", student.month_record, name="record"),
    path("manage/", manage.manage_index, name="manage"),
    path("manage/new/", manage.reading_edit, name="manage_new"),
    path("manage/<int:pk>/", manage.reading_edit, name="manage_edit"),
    path("manage/<int:pk>/publish/", manage.reading_publish, name="manage_publish"),
    path("manage/series/new/", manage.series_new, name="series_new"),
    path("manage/phrases/", manage.phrases, name="phrases"),
    path("class/", teacher.class_view, name="class"),
    path("class/remind/", teacher.remind, name="remind"),
    path("class/series/<int:pk>/", teacher.class_series, name="class_series"),
    path("class/reflections/<int:pk>/feature/", teacher.feature, name="feature"),
    path("stats/", teacher.stats_index, name="stats"),
    path("stats/month/<str:month>/", monthly.stats_month, name="stats_month"),
    path("stats/month/<str:month>/xlsx/", monthly.stats_month_xlsx, name="stats_month_xlsx"),
    path("stats/<int:pk>/", teacher.stats_reading, name="stats_reading"),
    path("stats/<int:pk>/xlsx/", teacher.stats_xlsx, name="stats_xlsx"),
    path("cases/", cases.case_list, name="cases"),
    path("cases/<int:pk>/", cases.case_detail, name="case"),
]
