from django.urls import path

from .views import campaigns, cases, codes, manage, notices, public

app_name = "honours"

urlpatterns = [
    path("vote/", public.code_entry, name="code_entry"),
    path("manage/", campaigns.campaign_list, name="campaign_list"),
    path("manage/new/", campaigns.campaign_create, name="campaign_create"),
    path("<int:campaign_id>/manage/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("<int:campaign_id>/manage/quotas/", campaigns.campaign_quotas, name="campaign_quotas"),
    path("<int:campaign_id>/manage/publish/", campaigns.campaign_publish_view, name="campaign_publish"),
    path("objections/<str:token>/", public.objection_status, name="objection_status"),
    path("<int:campaign_id>/", public.campaign_page, name="campaign"),
    path("<int:campaign_id>/notice/<str:level>/", public.notice_page, name="notice"),
    path("<int:campaign_id>/screen/", manage.big_screen, name="screen"),
    path("<int:campaign_id>/manage/", manage.manage, name="manage"),
    path("<int:campaign_id>/manage/nominate/", manage.nominate, name="nominate"),
    path("<int:campaign_id>/manage/candidates/<int:candidate_id>/", manage.candidate_detail, name="candidate"),
    path("<int:campaign_id>/manage/objections/<int:objection_id>/", cases.objection_case, name="objection"),
    path("<int:campaign_id>/manage/files/<int:file_id>/", cases.transition_file, name="transition_file"),
    path("<int:campaign_id>/manage/codes/", codes.codes, name="codes"),
    path("<int:campaign_id>/manage/notices/", notices.notices, name="notices"),
    path("<int:campaign_id>/manage/flags/", manage.flags, name="flags"),
    path("<int:campaign_id>/manage/stats/", manage.stats, name="stats"),
    path("<int:campaign_id>/manage/stats.xlsx", manage.stats_export, name="stats_export"),
]
