from django.urls import path

from . import views, views_consent, views_manage

app_name = "playlist"

urlpatterns = [
    path("", views.playlist_index, name="index"),
    path("<int:pk>/", views.playlist_page, name="page"),
    path("<int:pk>/v/<int:item_id>/video", views.video, name="video"),
    path("<int:pk>/v/<int:item_id>/poster.jpg", views.poster, name="poster"),
    path("<int:pk>/v/<int:item_id>/captions.vtt", views.captions, name="captions"),
    path("<int:pk>/v/<int:item_id>/play", views.play, name="play"),
    path("consent/", views_consent.consent_list, name="consent_list"),
    path("consent/<int:entry_id>/", views_consent.consent_edit, name="consent"),
    path("manage/", views_manage.manage_index, name="manage_index"),
    path("manage/<int:pk>/", views_manage.manage, name="manage"),
    path("manage/<int:pk>/publish", views_manage.publish, name="publish"),
    path("manage/<int:pk>/add", views_manage.item_add, name="item_add"),
    path("manage/<int:pk>/items/<int:item_id>/remove", views_manage.item_remove, name="item_remove"),
    path("manage/<int:pk>/items/<int:item_id>/move", views_manage.item_move, name="item_move"),
    path("manage/<int:pk>/items/<int:item_id>/poster", views_manage.item_poster, name="item_poster"),
    path("manage/<int:pk>/items/<int:item_id>/captions", views_manage.item_captions, name="item_captions"),
]
