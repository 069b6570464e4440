"""Organisers curate playlists of their region (scope checked in the services on every write)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import request_scope, role_required
from core.confirm import confirmation_page, is_confirmed

from .. import selectors, services
from ..errors import PlaylistError
from ..forms import CaptionsForm, PlaylistForm, PosterForm
from ..models import Playlist, PlaylistItem


def _managed(request, pk: int) -> Playlist:
    playlist = get_object_or_404(Playlist.objects.select_related("owner_org"), pk=pk)
    if not request_scope(request).manages(playlist.owner_org):
        raise PermissionDenied
    return playlist


def _item(request, pk: int, item_id: int) -> PlaylistItem:
    playlist = _managed(request, pk)
    item = get_object_or_404(PlaylistItem.objects.select_related("entry"), pk=item_id, playlist=playlist)
    item.playlist = playlist
    return item


@role_required(Role.ORGANISER)
def manage_index(request):
    scope = request_scope(request)
    form = PlaylistForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            playlist = services.playlist_create(actor=request.user, scope=scope, **form.cleaned_data)
        except PlaylistError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已创建展播列表。"))
            return redirect("playlist:manage", pk=playlist.pk)
    playlists = selectors.managed_playlists(request.user)
    return render(request, "playlist/manage_index.html", {"form": form, "playlists": playlists})


@role_required(Role.ORGANISER)
def manage(request, pk: int):
    playlist = _managed(request, pk)
    context = {
        "playlist": playlist,
        "items": selectors.manage_items(playlist),
        "candidates": list(selectors.candidates(playlist)[:200]),
        "poster_form": PosterForm(),
        "captions_form": CaptionsForm(),
    }
    return render(request, "playlist/manage.html", context)


@require_POST
@role_required(Role.ORGANISER)
def publish(request, pk: int):
    playlist = _managed(request, pk)
    public = request.POST.get("public") == "1"
    services.playlist_set_public(scope=request_scope(request), playlist=playlist, public=public)
    messages.success(request, _("展播列表已公开。") if public else _("展播列表已停止公开。"))
    return redirect("playlist:manage", pk=pk)


@require_POST
@role_required(Role.ORGANISER)
def item_add(request, pk: int):
    playlist = _managed(request, pk)
    try:
        entry_id = int(request.POST.get("entry") or 0)
        services.item_add(actor=request.user, scope=request_scope(request), playlist=playlist, entry_id=entry_id)
    except ValueError:
        messages.error(request, _("请求无效。"))
    except PlaylistError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已加入展播列表。"))
    return redirect("playlist:manage", pk=pk)


@require_POST
@role_required(Role.ORGANISER)
def item_remove(request, pk: int, item_id: int):
    item = _item(request, pk, item_id)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            title=_("移出展播列表"),
            message=_("移出后封面和字幕将被删除，需要时请重新加入并上传。"),
            button=_("移出"),
            back_url=reverse("playlist:manage", args=[pk]),
        )
    services.item_remove(scope=request_scope(request), item=item)
    messages.success(request, _("已移出展播列表。"))
    return redirect("playlist:manage", pk=pk)


@require_POST
@role_required(Role.ORGANISER)
def item_move(request, pk: int, item_id: int):
    item = _item(request, pk, item_id)
    step = 1 if request.POST.get("direction") == "down" else -1
    services.item_move(scope=request_scope(request), item=item, step=step)
    return redirect(reverse("playlist:manage", args=[pk]) + f"#item-{item_id}")


@require_POST
@role_required(Role.ORGANISER)
def item_poster(request, pk: int, item_id: int):
    item = _item(request, pk, item_id)
    scope = request_scope(request)
    if request.POST.get("clear"):
        services.item_clear_media(scope=scope, item=item, field_name="poster")
        messages.success(request, _("已改用默认封面。"))
        return redirect("playlist:manage", pk=pk)
    form = PosterForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择封面图片。"))
    else:
        try:
            services.item_set_poster(scope=scope, item=item, upload=form.cleaned_data["poster"])
        except PlaylistError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("封面已更新。"))
    return redirect("playlist:manage", pk=pk)


@require_POST
@role_required(Role.ORGANISER)
def item_captions(request, pk: int, item_id: int):
    item = _item(request, pk, item_id)
    scope = request_scope(request)
    if request.POST.get("clear"):
        services.item_clear_media(scope=scope, item=item, field_name="captions")
        messages.success(request, _("已删除字幕。"))
        return redirect("playlist:manage", pk=pk)
    form = CaptionsForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择字幕文件。"))
    else:
        try:
            services.item_set_captions(
                scope=scope, item=item, upload=form.cleaned_data["captions"], label=form.cleaned_data["label"]
            )
        except PlaylistError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("字幕已更新。"))
    return redirect("playlist:manage", pk=pk)
