"""Public showcase pages and the organiser's feature / withdraw controls."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import request_scope, role_required
from core.ranges import serve_stored_file

from .. import showcase
from ..errors import ShowcaseError
from ..models import ShowcaseItem
from ..sources import SUBMISSION_CONTEST, contest_model


def _contest(pk: int):
    model = contest_model(SUBMISSION_CONTEST)
    if model is None:
        raise Http404
    return get_object_or_404(model.objects.select_related("owner_org"), pk=pk)


def showcase_page(request, pk: int):
    """Public: no login needed (the committee links it from its media channels)."""
    from judging.models import AwardTier

    contest = _contest(pk)
    page = Paginator(showcase.showcase_public(contest), showcase.PAGE_SIZE).get_page(request.GET.get("page"))
    items = showcase.attach_versions(list(page.object_list))
    tiers = dict(AwardTier.choices)
    for item in items:
        item.tier_label = tiers.get(item.award_tier, "")
    return render(request, "results/showcase.html", {"contest": contest, "page": page, "items": items})


def showcase_media(request, pk: int, item_id: int):
    """The file of a shown work, only while it is shown. Served with its detected type (never HTML)."""
    from judging.files import CONTENT_TYPES, INLINE_TYPES

    contest = _contest(pk)
    item = showcase.visible_item(contest, item_id)
    if item is None:
        raise Http404
    showcase.attach_versions([item])
    version = item.version
    if version is None or not version.file or version.file_type not in CONTENT_TYPES:
        raise Http404
    # Range requests (phones seek in videos; iOS refuses a video without them); nginx serves it in production
    response = serve_stored_file(request, version.file, CONTENT_TYPES[version.file_type])
    disposition = "inline" if version.file_type in INLINE_TYPES else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{item.entry.code}.{version.file_type}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@role_required(Role.ORGANISER)
def showcase_manage(request, pk: int):
    from judging.models import AwardTier

    contest = _contest(pk)
    scope = request_scope(request)
    if not scope.manages(contest.owner_org):
        raise PermissionDenied
    tiers = dict(AwardTier.choices)
    entries = list(showcase.showcase_candidates(contest))
    for e in entries:
        e.tier_label = tiers.get(e.award_tier, "")
        e.shown = e.item_id is not None and e.item_withdrawn_at is None
    return render(request, "results/showcase_manage.html", {"contest": contest, "entries": entries})


@require_POST
@role_required(Role.ORGANISER)
def showcase_feature(request, pk: int):
    contest = _contest(pk)
    scope = request_scope(request)
    entry_id = request.POST.get("entry")
    try:
        ids = None if request.POST.get("all") else [int(entry_id or 0)]
        n = showcase.showcase_feature(actor=request.user, scope=scope, contest=contest, entry_ids=ids)
    except (ValueError, ShowcaseError) as exc:
        messages.error(request, getattr(exc, "message", _("请求无效。")))
    else:
        messages.success(request, _("已展示 %(n)d 件作品。") % {"n": n})
    return redirect("results:showcase_manage", pk=contest.pk)


@require_POST
@role_required(Role.ORGANISER)
def showcase_withdraw(request, pk: int, item_id: int):
    contest = _contest(pk)
    item = get_object_or_404(ShowcaseItem, pk=item_id, contest=contest)
    showcase.showcase_withdraw(
        actor=request.user, scope=request_scope(request), item=item, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("作品已从展示页撤下。"))
    return redirect("results:showcase_manage", pk=contest.pk)
