"""Organiser pages: setup (performers, judge seats and their QR links, the draw, the screen link),
results export, the judge-bias report and the audit log. Every page checks `can_host` on the server."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import AppError

from .. import services
from ..access import Actor, hosted_event
from ..errors import NotAllowed
from ..importing import performers_import
from ..models import EventKind, JudgeSeat
from ..qr import qr_svg
from ..reports import bias_report, format_offset, results_xlsx
from .final import manage as final_manage

SESSION_NEW_LINKS = "stage_new_links"


@login_required
def event_create(request):
    from accounts.models import Role
    from accounts.permissions import request_scope

    from ..forms import EventForm

    scope = request_scope(request)
    if not (scope.is_admin or scope.has_role(Role.ORGANISER)):
        raise NotAllowed()
    form = EventForm(request.POST or None, orgs=scope.managed_orgs().filter(kind__in=["city", "district", "town"]))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        categories, criteria = data.pop("categories_text"), data.pop("criteria_text")
        try:
            event = services.event_create(
                actor=Actor(user=request.user),
                org=data.pop("owner_org"),
                title=data.pop("title"),
                date=data.pop("date"),
                venue=data.pop("venue"),
                categories=categories,
                criteria=criteria,
                **data,
            )
        except AppError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("stage:manage", event_id=event.pk)
    return render(request, "stage/event_form.html", {"form": form})


@login_required
def manage(request, event_id: int):
    event, _actor = hosted_event(request.user, event_id)
    if event.kind == EventKind.FINAL:
        return final_manage(request, event)
    new_links = request.session.pop(SESSION_NEW_LINKS, {}) if request.method == "GET" else {}
    seats = []
    for seat in event.seats.all():
        raw = new_links.get(str(seat.pk))
        url = request.build_absolute_uri(reverse("stage:judge_link", args=[event.pk, raw])) if raw else None
        seats.append({"seat": seat, "link": url, "qr": qr_svg(url) if url else None})
    screen_url = (
        request.build_absolute_uri(reverse("stage:screen", args=[event.pk])) + "?display=" + event.display_token
    )
    return render(
        request,
        "stage/manage.html",
        {
            "event": event,
            "seats": seats,
            "performers": event.performers.select_related("category").order_by("running_order", "code"),
            "categories": event.categories.all(),
            "screen_url": screen_url,
            "essay_contests": _essay_contests(request.user),
        },
    )


def _essay_contests(user):
    from judging.selectors import managed_contests

    return managed_contests(user).order_by("-pk")[:30]


def _after(request, event, fn, ok_message: str):
    try:
        fn()
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok_message)
    return redirect("stage:manage", event_id=event.pk)


@login_required
@require_POST
def manage_action(request, event_id: int, action: str):
    event, actor = hosted_event(request.user, event_id)
    now = timezone.now()
    post = request.POST
    if action == "import":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要导入的 xlsx 文件。")
            return redirect("stage:manage", event_id=event.pk)
        if upload.size > 2 * 1024 * 1024:
            messages.error(request, "文件不能超过 2 MB。")
            return redirect("stage:manage", event_id=event.pk)
        data = upload.read()
        return _after(
            request, event, lambda: performers_import(actor=actor, event=event, data=data, now=now), "已导入选手。"
        )
    if action == "performer":
        return _after(
            request,
            event,
            lambda: services.performer_add(
                actor=actor,
                event=event,
                category=post.get("category", ""),
                name=post.get("name", ""),
                unit=post.get("unit", ""),
                speech_title=post.get("speech_title", ""),
                code=post.get("code", ""),
                now=now,
            ),
            "已添加选手。",
        )
    if action == "performer_delete":
        return _after(request, event, lambda: _performer_remove(actor, event, post), _("已删除选手。"))
    if action == "seat":
        return _after(request, event, lambda: _seat_from_form(actor, event, post), "已添加评委席位。")
    if action == "conflict":
        return _after(request, event, lambda: _conflict_from_form(actor, event, post, now), "已登记回避。")
    if action == "awards":
        return _after(
            request, event, lambda: _awards_from_form(actor, event, post, now), "已从征文比赛获奖名单导入选手。"
        )
    if action == "commit":
        return _after(
            request,
            event,
            lambda: services.draw_commit(
                actor=actor, event_id=event.pk, public_input_rule=post.get("rule", ""), now=now
            ),
            "承诺值已公布，选手名单已冻结。",
        )
    if action == "draw":
        return _after(
            request,
            event,
            lambda: services.draw_perform(
                actor=actor, event_id=event.pk, public_input=post.get("public_input", ""), now=now
            ),
            "抽签完成，出场顺序已冻结，种子已公开。",
        )
    if action == "rotate":
        return _after(
            request,
            event,
            lambda: services.display_rotate(actor=actor, event=event, now=now),
            "大屏链接已更换，旧链接失效。",
        )
    if action in ("link", "revoke", "unbind"):
        seat = JudgeSeat.objects.filter(event=event, pk=post.get("seat")).first()
        if seat is None:
            messages.error(request, "没有该席位。")
            return redirect("stage:manage", event_id=event.pk)
        if action == "revoke":
            return _after(
                request, event, lambda: services.seat_link_revoke(actor=actor, seat=seat, now=now), "链接已吊销。"
            )
        if action == "unbind":
            return _after(
                request,
                event,
                lambda: services.seat_device_reset(actor=actor, seat=seat, now=now),
                f"已解除{seat}的设备绑定，下一台打开该链接的设备将取得席位。",
            )
        raw = services.seat_link_issue(actor=actor, seat=seat, now=now)
        links = request.session.get(SESSION_NEW_LINKS, {})
        links[str(seat.pk)] = raw
        request.session[SESSION_NEW_LINKS] = links
        messages.success(request, f"已为{seat}生成新链接（只显示这一次），旧链接失效。")
        return redirect("stage:manage", event_id=event.pk)
    if action == "finish":
        return _after(
            request,
            event,
            lambda: services.event_set_status(actor=actor, event_id=event.pk, status="finished", now=now),
            "活动已结束，成绩已定。",
        )
    raise NotAllowed()


def _seat_from_form(actor, event, post):
    from accounts.models import User

    from ..errors import StageError

    username = post.get("username", "").strip()
    user = User.objects.filter(username=username).first() if username else None
    if username and user is None:
        raise StageError("没有该用户名的账号。")
    try:
        number = int(post.get("number", ""))
    except ValueError:
        raise StageError("席位号须为数字。") from None
    name = post.get("name", "").strip() or (user.display_name if user else "")
    if not name:
        raise StageError("请填写评委姓名。")
    unit_org = services.setup.org_named(post.get("unit", ""))
    if post.get("unit", "").strip() and unit_org is None:
        raise StageError("没有找到该名称的学校或辅导站。")
    return services.seat_add(
        actor=actor,
        event=event,
        number=number,
        name=name,
        user=user,
        is_head=bool(post.get("is_head")),
        unit_org=unit_org,
    )


def _performer_remove(actor, event, post):
    from ..errors import StageError
    from ..models import Performer

    raw = str(post.get("performer", ""))
    performer = Performer.objects.select_related("event").filter(event=event, pk=raw).first() if raw.isdigit() else None
    if performer is None:
        raise StageError(_("没有该选手。"))
    services.performer_remove(actor=actor, performer=performer)


def _conflict_from_form(actor, event, post, now):
    from ..errors import StageError
    from ..models import Performer

    seat = JudgeSeat.objects.filter(event=event, number=post.get("seat") or 0).first()
    performer = Performer.objects.filter(event=event, code=post.get("code", "").strip()).first()
    if seat is None or performer is None:
        raise StageError("请填写正确的席位号和报名号。")
    services.conflict_declare(actor=actor, seat=seat, performer=performer, now=now)


def _awards_from_form(actor, event, post, now):
    from judging.models import SubmissionContest
    from judging.selectors import can_manage_contest

    from ..errors import StageError

    contest = SubmissionContest.objects.filter(pk=post.get("contest") or 0).first()
    if contest is None:
        raise StageError("请选择征文比赛。")
    if not can_manage_contest(actor.user, contest):
        raise NotAllowed()
    added = services.performers_from_awards(
        actor=actor, event=event, contest=contest, category=post.get("category", ""), now=now
    )
    if not added:
        raise StageError("该比赛还没有公布的获奖名单。")


@login_required
def export_xlsx(request, event_id: int):
    event, _actor = hosted_event(request.user, event_id)
    response = HttpResponse(
        results_xlsx(event), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="stage-{event.pk}-results.xlsx"'
    return response


@login_required
def bias(request, event_id: int):
    event, _actor = hosted_event(request.user, event_id)
    report = [
        (category, [{"j": j, "offset": format_offset(j.mean_offset)} for j in judges])
        for category, judges in bias_report(event)
    ]
    return render(request, "stage/bias.html", {"event": event, "report": report})


@login_required
def audit_log(request, event_id: int):
    event, _actor = hosted_event(request.user, event_id)
    entries = event.audit.select_related("actor", "seat", "performer").order_by("-at", "-id")[:1000]
    return render(request, "stage/audit.html", {"event": event, "entries": entries})
