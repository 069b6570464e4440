from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_classes, views_roster, views_volunteers

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("roster/import/", views_roster.roster_import, name="roster_import"),
    path("roster/import/<str:token>/", views_roster.roster_import_confirm, name="roster_import_confirm"),
    path("roster/credentials/<str:token>.xlsx", views_roster.roster_credentials, name="roster_credentials"),
    path("roster/template.xlsx", views_roster.roster_template, name="roster_template"),
    path("roster/import/<str:token>/errors.xlsx", views_roster.roster_error_rows, name="roster_error_rows"),
    path("volunteers/import/", views_volunteers.volunteer_import, name="volunteer_import"),
    path(
        "volunteers/credentials/<str:token>.xlsx", views_volunteers.volunteer_credentials, name="volunteer_credentials"
    ),
    path("volunteers/template.xlsx", views_volunteers.volunteer_template, name="volunteer_template"),
    path("classes/<int:pk>/", views_classes.class_detail, name="class_detail"),
    path("classes/<int:pk>/slips.pdf", views_classes.class_slips, name="class_slips"),
    path(
        "classes/<int:pk>/students/<int:user_pk>/reset/",
        views_classes.class_password_reset,
        name="class_password_reset",
    ),
]
