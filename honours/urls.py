from django.urls import path

from . import views, views_campaigns, views_cases, views_codes, views_manage, views_notices

app_name = "honours"

urlpatterns = [
    path("vote/", views.code_entry, name="code_entry"),
    path("manage/", views_campaigns.campaign_list, name="campaign_list"),
    path("manage/new/", views_campaigns.campaign_create, name="campaign_create"),
    path("<int:campaign_id>/manage/edit/", views_campaigns.campaign_edit, name="campaign_edit"),
    path("<int:campaign_id>/manage/quotas/", views_campaigns.campaign_quotas, name="campaign_quotas"),
    path("<int:campaign_id>/manage/publish/", views_campaigns.campaign_publish_view, name="campaign_publish"),
    path("objections/<str:token>/", views.objection_status, name="objection_status"),
    path("<int:campaign_id>/", views.campaign_page, name="campaign"),
    path("<int:campaign_id>/notice/<str:level>/", views.notice_page, name="notice"),
    path("<int:campaign_id>/screen/", views_manage.big_screen, name="screen"),
    path("<int:campaign_id>/manage/", views_manage.manage, name="manage"),
    path("<int:campaign_id>/manage/nominate/", views_manage.nominate, name="nominate"),
    path("<int:campaign_id>/manage/candidates/<int:candidate_id>/", views_manage.candidate_detail, name="candidate"),
    path("<int:campaign_id>/manage/objections/<int:objection_id>/", views_cases.objection_case, name="objection"),
    path("<int:campaign_id>/manage/files/<int:file_id>/", views_cases.transition_file, name="transition_file"),
    path("<int:campaign_id>/manage/codes/", views_codes.codes, name="codes"),
    path("<int:campaign_id>/manage/notices/", views_notices.notices, name="notices"),
    path("<int:campaign_id>/manage/flags/", views_manage.flags, name="flags"),
    path("<int:campaign_id>/manage/stats/", views_manage.stats, name="stats"),
    path("<int:campaign_id>/manage/stats.xlsx", views_manage.stats_export, name="stats_export"),
]
