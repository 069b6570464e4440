from django.contrib import admin
from django.urls import include, path

from quizsite import views
from quizsite.api import api

admin.site.site_header = "南通市青少年竞赛平台管理"
admin.site.site_title = "竞赛平台管理"
admin.site.index_title = "管理首页"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("questions/", include("questionbank.urls")),
    path("contests/", include("competitions.urls")),
    path("judging/", include("judging.urls")),
    path("results/", include("results.urls")),
    path("leaderboards/", include("leaderboards.urls")),
    path("reading/", include("reading.urls")),
    path("stage/", include("stage.urls")),
    path("verify/", include("results.verify_urls")),
    path("honours/", include("honours.urls")),
    path("playlist/", include("playlist.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler403 = "quizsite.views.permission_denied"
handler404 = "quizsite.views.page_not_found"
handler500 = "quizsite.views.server_error"
