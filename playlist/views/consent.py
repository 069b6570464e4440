"""The entrant's side decides about publishing: the entrant, a unit's staff, or a student's teacher on the
family's behalf. Organisers may record a withdrawal the family asked them for, never a grant."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.confirm import confirmation_page, is_confirmed
from judging.models import ContestKind, Entry

from .. import selectors, services
from ..errors import ConsentError
from ..forms import ConsentForm
from ..models import ConsentRole, VideoConsent


@login_required
def consent_list(request):
    entries = list(selectors.consentable_entries(request.user))
    for entry in entries:
        try:
            entry.consent = entry.video_consent
        except VideoConsent.DoesNotExist:
            entry.consent = None
    return render(request, "playlist/consent_list.html", {"entries": entries})


@login_required
def consent_edit(request, entry_id: int):
    entry = get_object_or_404(
        Entry.objects.select_related("contest", "author", "school"), pk=entry_id, contest__kind=ContestKind.VIDEO
    )
    role = selectors.consent_role(request.user, entry)
    organiser = role is None and selectors.may_withdraw_for_entrant(request.user, entry)
    if role is None and not organiser:
        raise PermissionDenied
    consent = VideoConsent.objects.filter(entry=entry).first()
    initial = {"show_name": consent.show_name, "show_school": consent.show_school} if consent else {}
    form = ConsentForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("action") == "withdraw":
            if not is_confirmed(request):
                return confirmation_page(
                    request,
                    title=_("撤回公开授权"),
                    message=_("撤回后视频立即从所有展播列表中移除；再次授权后需由组织者重新选入。"),
                    button=_("撤回授权"),
                    back_url=reverse("playlist:consent", args=[entry.pk]),
                )
            services.consent_withdraw(actor=request.user, entry=entry)
            messages.success(request, _("已撤回公开授权，视频已停止公开播放。"))
            return redirect("playlist:consent", entry_id=entry.pk)
        if organiser:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.consent_grant(actor=request.user, entry=entry, **form.cleaned_data)
            except ConsentError as exc:
                form.add_error("family_note", exc.message)
            else:
                messages.success(request, _("已同意公开播放。"))
                return redirect("playlist:consent", entry_id=entry.pk)
    records = entry.video_consent_records.select_related("actor")[:20]
    context = {
        "entry": entry,
        "form": form,
        "consent": consent,
        "role": role,
        "is_teacher": role == ConsentRole.TEACHER,
        "organiser": organiser,
        "records": records,
    }
    return render(request, "playlist/consent_edit.html", context)
