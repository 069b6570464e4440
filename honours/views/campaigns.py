"""Organiser pages to define a campaign: list, create, edit, quota table, publish (confirmed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import request_scope
from core.confirm import confirmation_page, is_confirmed

from .. import selectors
from ..errors import HonoursError
from ..forms import (
    CampaignForm,
    criteria_formset,
    criteria_plans,
    criteria_posted,
    honour_formset,
    honour_plans,
    level_forms,
    stored_honours,
)
from ..models import Campaign
from ..services.campaigns import (
    CampaignInvalid,
    campaign_publish,
    campaign_save,
    can_create,
    can_edit,
    quota_table,
    visible_campaigns,
)


@login_required
def campaign_list(request):
    scope = request_scope(request)
    campaigns = visible_campaigns(scope)
    if not (scope.managed_paths or scope.is_admin):
        raise PermissionDenied
    rows = [{"c": c, "editable": can_edit(scope, c)} for c in campaigns]
    return render(request, "honours/campaign_list.html", {"rows": rows, "can_create": can_create(scope) is not None})


def _form_page(request, campaign: Campaign | None):
    scope = request_scope(request)
    if campaign is None and can_create(scope) is None:
        raise PermissionDenied
    if campaign is not None and not can_edit(scope, campaign):
        raise PermissionDenied
    locked = campaign is not None and not campaign.draft
    data = request.POST if request.method == "POST" else None
    form = CampaignForm(data, instance=campaign, locked=locked)
    levels = level_forms(data, campaign=campaign, locked=locked)
    honours = honour_formset(data, campaign=campaign, locked=locked)
    stored_criteria = selectors.panel_criteria(campaign) if campaign else []
    rubric_frozen = bool(campaign and campaign.panel_rubric and campaign.panel_rubric.is_frozen)
    criteria = criteria_formset(data if criteria_posted(data) else None, criteria=stored_criteria)
    errors: list[str] = []
    if data is not None:
        checked = [form.is_valid(), honours.is_valid(), not criteria.is_bound or criteria.is_valid()]
        checked += [lf.is_valid() for lf in levels]  # every error at once
        if all(checked):
            fields = dict(form.cleaned_data)
            try:
                saved = campaign_save(
                    actor=request.user,
                    scope=scope,
                    campaign=campaign,
                    fields=fields,
                    levels=[p for p in (lf.plan() for lf in levels) if p is not None],
                    honours=stored_honours(campaign) if locked else honour_plans(honours),
                    criteria=criteria_plans(criteria) if criteria_posted(data) else None,
                )
            except CampaignInvalid as exc:
                errors = exc.errors
            except HonoursError as exc:
                errors = [exc.message]
            else:
                messages.success(request, _("已保存。"))
                return redirect("honours:campaign_quotas", campaign_id=saved.pk)
        else:
            errors = [_("请按提示修改标红的项目。")]
    return render(
        request,
        "honours/campaign_form.html",
        {
            "campaign": campaign,
            "form": form,
            "levels": levels,
            "honours": honours,
            "criteria": criteria,
            "stored_criteria": stored_criteria,
            "rubric_frozen": rubric_frozen,
            "errors": errors,
            "locked": locked,
        },
        status=400 if errors else 200,
    )


@login_required
def campaign_create(request):
    return _form_page(request, None)


@login_required
def campaign_edit(request, campaign_id: int):
    return _form_page(request, get_object_or_404(Campaign, pk=campaign_id))


@login_required
def campaign_quotas(request, campaign_id: int):
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    scope = request_scope(request)
    if campaign.draft and not can_edit(scope, campaign):
        raise PermissionDenied
    if not (
        scope.is_admin
        or any(
            p.startswith(campaign.owner_org.path) or campaign.owner_org.path.startswith(p) for p in scope.managed_paths
        )
    ):
        raise PermissionDenied
    return render(
        request,
        "honours/campaign_quotas.html",
        {
            "campaign": campaign,
            "table": quota_table(campaign, scope),
            "honours": campaign.honours.order_by("order"),
            "editable": can_edit(scope, campaign),
        },
    )


@login_required
@require_POST
def campaign_publish_view(request, campaign_id: int):
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    scope = request_scope(request)
    if not can_edit(scope, campaign):
        raise PermissionDenied
    back = reverse("honours:campaign_quotas", args=[campaign.pk])
    if not is_confirmed(request):
        return confirmation_page(
            request,
            title=_("发布评选活动"),
            message=_(
                "发布后活动将公开，各单位名额按当前学籍人数确定，参评学段、层级、名额、荣誉和投票规则不能再修改。"
            ),
            button=_("确认发布"),
            back_url=back,
        )
    try:
        campaign_publish(actor=request.user, scope=scope, campaign=campaign, now=timezone.now())
    except CampaignInvalid as exc:
        for e in exc.errors:
            messages.error(request, e)
    except HonoursError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("活动已发布，名额已锁定。"))
    return redirect(back)
