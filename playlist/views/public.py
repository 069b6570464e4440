"""Public pages and files of the playlists: no login needed. Every file answer re-checks that the video
may be played right now (playlist public, award published, consent standing), so a withdrawal takes effect
on the next request, Range requests included."""

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST, require_safe

from core.ranges import ranged_file_response, serve_stored_file

from .. import selectors, services, viewers
from ..models import Playlist

# A work is never a page: the browser gets no script, plugin or frame from these answers.
FILE_CSP = "default-src 'none'; sandbox"


@require_safe
def playlist_index(request):
    playlists = list(selectors.public_playlists())
    return render(request, "playlist/index.html", {"playlists": playlists})


@require_safe
def playlist_page(request, pk: int):
    playlist = get_object_or_404(Playlist.objects.select_related("owner_org"), pk=pk, is_public=True)
    page = Paginator(selectors.visible_items(playlist), selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    items = selectors.decorate(list(page.object_list))
    return render(request, "playlist/playlist.html", {"playlist": playlist, "page": page, "items": items})


def _visible(pk: int, item_id: int):
    item = selectors.visible_item(pk, item_id)
    if item is None:
        raise Http404
    return item


def _file_headers(response, filename: str):
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Content-Security-Policy"] = FILE_CSP
    return response


@require_safe
def video(request, pk: int, item_id: int):
    item = _visible(pk, item_id)
    file_type = item.version.file_type
    content_type = {"mp4": "video/mp4", "webm": "video/webm"}[file_type]
    response = serve_stored_file(request, item.version.file, content_type)
    return _file_headers(response, f"{item.entry.code}.{file_type}")


@require_safe
def poster(request, pk: int, item_id: int):
    item = _visible(pk, item_id)
    if not item.poster:
        raise Http404
    response = ranged_file_response(request, item.poster.path, "image/jpeg", cache_control="private, max-age=300")
    return _file_headers(response, f"{item.entry.code}.jpg")


@require_safe
def captions(request, pk: int, item_id: int):
    item = _visible(pk, item_id)
    if not item.captions:
        raise Http404
    response = ranged_file_response(
        request, item.captions.path, "text/vtt; charset=utf-8", cache_control="private, max-age=300"
    )
    return _file_headers(response, f"{item.entry.code}.vtt")


@require_POST
def play(request, pk: int, item_id: int):
    """Beacon sent by playlist.js when a video starts playing (not on page load or seeking)."""
    item = _visible(pk, item_id)
    viewer, address, capped, fresh_cookie = viewers.viewer_keys(request)
    counted = services.record_play(entry_id=item.entry_id, viewer=viewer, address=address, capped=capped)
    views = item.views + (1 if counted else 0)
    response = JsonResponse({"counted": counted, "views": views})
    if fresh_cookie:
        viewers.set_viewer_cookie(response, fresh_cookie)
    response["Cache-Control"] = "no-store"
    return response
