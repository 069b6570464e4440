from django.urls import path

from .views import consent, manage, public

app_name = "playlist"

urlpatterns = [
    path("", public.playlist_index, name="index"),
    path("<int:pk>/", public.playlist_page, name="page"),
    path("<int:pk>/v/<int:item_id>/video", public.video, name="video"),
    path("<int:pk>/v/<int:item_id>/poster.jpg", public.poster, name="poster"),
    path("<int:pk>/v/<int:item_id>/captions.vtt", public.captions, name="captions"),
    path("<int:pk>/v/<int:item_id>/play", public.play, name="play"),
    path("consent/", consent.consent_list, name="consent_list"),
    path("consent/<int:entry_id>/", consent.consent_edit, name="consent"),
    path("manage/", manage.manage_index, name="manage_index"),
    path("manage/<int:pk>/", manage.manage, name="manage"),
    path("manage/<int:pk>/publish", manage.publish, name="publish"),
    path("manage/<int:pk>/add", manage.item_add, name="item_add"),
    path("manage/<int:pk>/items/<int:item_id>/remove", manage.item_remove, name="item_remove"),
    path("manage/<int:pk>/items/<int:item_id>/move", manage.item_move, name="item_move"),
    path("manage/<int:pk>/items/<int:item_id>/poster", manage.item_poster, name="item_poster"),
    path("manage/<int:pk>/items/<int:item_id>/captions", manage.item_captions, name="item_captions"),
]
