from django.contrib.auth import views as auth_views
from django.urls import path

from .views import auth, classes, roster, volunteers

app_name = "accounts"

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth.password_change, name="password_change"),
    path("organisations/", auth.organisation_list, name="organisation_list"),
    path("roster/import/", roster.roster_import, name="roster_import"),
    path("roster/import/<str:token>/", roster.roster_import_confirm, name="roster_import_confirm"),
    path("roster/credentials/<str:token>.xlsx", roster.roster_credentials, name="roster_credentials"),
    path("roster/template.xlsx", roster.roster_template, name="roster_template"),
    path("roster/import/<str:token>/errors.xlsx", roster.roster_error_rows, name="roster_error_rows"),
    path("volunteers/import/", volunteers.volunteer_import, name="volunteer_import"),
    path("volunteers/credentials/<str:token>.xlsx", volunteers.volunteer_credentials, name="volunteer_credentials"),
    path("volunteers/template.xlsx", volunteers.volunteer_template, name="volunteer_template"),
    path("classes/<int:pk>/", classes.class_detail, name="class_detail"),
    path("classes/<int:pk>/slips.pdf", classes.class_slips, name="class_slips"),
    path(
        "classes/<int:pk>/students/<int:user_pk>/reset/",
        classes.class_password_reset,
        name="class_password_reset",
    ),
]
