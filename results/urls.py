from django.urls import path

from .views import certificates as certs
from .views import showcase, stats

app_name = "results"

urlpatterns = [
    path("showcase/<int:pk>/", showcase.showcase_page, name="showcase"),
    path("showcase/<int:pk>/works/<int:item_id>/media/", showcase.showcase_media, name="showcase_media"),
    path("showcase/<int:pk>/manage/", showcase.showcase_manage, name="showcase_manage"),
    path("showcase/<int:pk>/feature/", showcase.showcase_feature, name="showcase_feature"),
    path("showcase/<int:pk>/works/<int:item_id>/withdraw/", showcase.showcase_withdraw, name="showcase_withdraw"),
    path("stats/", stats.stats_index, name="stats_index"),
    path("stats/trends/", stats.stats_trends, name="stats_trends"),
    path("stats/trends/export.xlsx", stats.stats_trends_xlsx, name="stats_trends_xlsx"),
    path("stats/<str:kind>/<int:pk>/", stats.stats_contest, name="stats_contest"),
    path("stats/<str:kind>/<int:pk>/export.xlsx", stats.stats_contest_xlsx, name="stats_contest_xlsx"),
    path("certificates/mine/", certs.my_certificates, name="my_certificates"),
    path("certificates/templates/", certs.template_list, name="template_list"),
    path("certificates/templates/new/<str:label>/<int:pk>/<str:kind>/", certs.template_edit, name="template_create"),
    path("certificates/templates/<int:tid>/edit/", certs.template_edit, name="template_edit"),
    path("certificates/templates/<int:pk>/", certs.template_detail, name="template_detail"),
    path("certificates/templates/<int:pk>/generate/", certs.template_generate, name="template_generate"),
    path(
        "certificates/templates/<int:pk>/generation/",
        certs.template_generation_status,
        name="template_generation_status",
    ),
    path("certificates/templates/<int:pk>/batches/", certs.batch_start, name="batch_start"),
    path("certificates/batches/<int:pk>/status/", certs.batch_status, name="batch_status"),
    path("certificates/batches/<int:pk>/download/", certs.batch_download, name="batch_download"),
    path("certificates/<str:code>/pdf/", certs.certificate_download, name="certificate_download"),
    path("certificates/<str:code>/revoke/", certs.certificate_revoke, name="certificate_revoke"),
]
