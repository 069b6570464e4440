"""Organiser pages of the knowledge final (before the day): the final itself, teams with their device QR,
rounds in order with their rules, questions entered for the day or reserved from the bank, and the hall
quiz games. Every page checks `can_host` (the event's region) on the server; irreversible steps confirm
in the page (static/stage/confirm.js)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import AppError
from questionbank.models import Question

from .. import services
from ..access import Actor, hosted_event
from ..errors import NotAllowed, StageError
from ..forms_final import (
    DayQuestionForm,
    FinalForm,
    QuestionPlaceForm,
    QuizGameForm,
    RoundForm,
    TeamForm,
    question_initial,
)
from ..models import FinalQuestion, Round, Team
from ..qr import qr_svg
from ..selectors_setup import bank_candidates, final_setup

SESSION_TEAM_LINKS = "stage_new_team_links"


def _organiser_orgs(request):
    from accounts.models import Role
    from accounts.permissions import request_scope

    scope = request_scope(request)
    if not (scope.is_admin or scope.has_role(Role.ORGANISER)):
        raise NotAllowed()
    return scope.managed_orgs().filter(kind__in=["city", "district", "town"])


@login_required
def final_create(request):
    form = FinalForm(request.POST or None, orgs=_organiser_orgs(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.final_create(
                actor=Actor(user=request.user),
                org=data["owner_org"],
                title=data["title"],
                date=data["date"],
                venue=data["venue"],
            )
        except AppError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("stage:manage", event_id=event.pk)
    return render(request, "stage/final_form.html", {"form": form})


def manage(request, event, forms: dict | None = None):
    """The final's setup page (stage:manage dispatches here for a final). `forms`: bound forms with errors."""
    new_links = request.session.pop(SESSION_TEAM_LINKS, {}) if request.method == "GET" else {}
    teams = []
    for team in event.teams.all():
        raw = new_links.get(str(team.pk))
        url = request.build_absolute_uri(reverse("stage:team_link", args=[event.pk, raw])) if raw else None
        teams.append({"team": team, "link": url, "qr": qr_svg(url) if url else None})
    forms = forms or {}
    text = request.GET.get("q", "").strip()[:50]
    context = {
        "event": event,
        "teams": teams,
        "setup": final_setup(event),
        "team_form": forms.get("team") or TeamForm(initial={"number": len(teams) + 1}),
        "round_form": forms.get("round") or RoundForm(),
        "question_form": forms.get("question") or DayQuestionForm(rounds=event.rounds.order_by("position", "id")),
        "quiz_form": forms.get("quiz") or QuizGameForm(),
        "bank_text": text,
        "bank": bank_candidates(text=text) if "q" in request.GET else None,
        "screen_url": request.build_absolute_uri(reverse("stage:screen", args=[event.pk]))
        + "?display="
        + event.display_token,
    }
    status = 400 if forms else 200
    return render(request, "stage/final_manage.html", context, status=status)


def _done(request, event, fn, ok: str):
    try:
        fn()
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)
    return redirect("stage:manage", event_id=event.pk)


def _round(event, raw) -> Round:
    found = (
        Round.objects.select_related("event").filter(event=event, pk=raw or 0).first() if str(raw).isdigit() else None
    )
    if found is None:
        raise StageError("没有该轮次。")
    return found


def _team(event, number) -> Team | None:
    if number in (None, ""):
        return None
    if not str(number).isdigit():
        raise StageError("队号须为数字。")
    team = Team.objects.filter(event=event, number=int(number)).first()
    if team is None:
        raise StageError(f"没有 {number} 号队。")
    return team


@login_required
@require_POST
def final_action(request, event_id: int, action: str):
    event, actor = hosted_event(request.user, event_id)
    now, post = timezone.now(), request.POST
    if action == "team":
        form = TeamForm(post)
        if not form.is_valid():
            return manage(request, event, {"team": form})
        return _done(
            request, event, lambda: services.team_add(actor=actor, event=event, **form.cleaned_data), "已添加参赛队。"
        )
    if action in ("team_link", "team_unbind"):
        team = Team.objects.select_related("event").filter(event=event, pk=post.get("team") or 0).first()
        if team is None:
            messages.error(request, "没有该参赛队。")
        elif action == "team_unbind":
            return _done(
                request,
                event,
                lambda: services.team_device_reset(actor=actor, team=team, now=now),
                f"已解除{team}的设备绑定。",
            )
        else:
            raw = services.team_link_issue(actor=actor, team=team, now=now)
            links = request.session.get(SESSION_TEAM_LINKS, {})
            links[str(team.pk)] = raw
            request.session[SESSION_TEAM_LINKS] = links
            messages.success(request, f"已为{team}生成新二维码（只显示这一次），旧链接失效。")
        return redirect("stage:manage", event_id=event.pk)
    if action in ("team_edit", "round_edit"):
        return _done(request, event, lambda: _edit(actor, event, post, action), _("已保存修改。"))
    if action == "round":
        form = RoundForm(post)
        if not form.is_valid():
            return manage(request, event, {"round": form})
        return _done(
            request, event, lambda: services.round_add(actor=actor, event=event, **form.cleaned_data), "已添加轮次。"
        )
    if action in ("round_up", "round_down", "round_delete"):
        return _done(request, event, lambda: _round_step(actor, event, post, action, now), "已更新轮次。")
    if action == "question":
        form = DayQuestionForm(post, rounds=event.rounds.order_by("position", "id"))
        if not form.is_valid():
            return manage(request, event, {"question": form})
        return _done(request, event, lambda: _day_question(actor, event, form.cleaned_data), "已添加现场题。")
    if action == "question_delete":
        return _done(request, event, lambda: _question_delete(actor, event, post, now), "已删除该题。")
    if action == "reserve":
        return _done(request, event, lambda: _reserve(actor, event, post), "已从题库预留该题（上台揭晓前保密）。")
    if action == "quiz":
        form = QuizGameForm(post)
        if not form.is_valid():
            return manage(request, event, {"quiz": form})
        data = form.cleaned_data
        return _done(
            request,
            event,
            lambda: services.quiz_create(actor=actor, event=event, title=data["title"], questions=data["questions"]),
            f"已创建现场答题（{len(data['questions'])} 题）。",
        )
    raise NotAllowed()


def _edit(actor, event, post, action):
    """In-place edits from the rows of the setup page; a bad field comes back as one message."""
    data = post.copy()
    if action == "team_edit":
        raw = str(post.get("team", ""))
        team = Team.objects.select_related("event").filter(event=event, pk=raw).first() if raw.isdigit() else None
        if team is None:
            raise StageError(_("没有该参赛队。"))
        data["number"] = team.number
        form = _valid(TeamForm(data))
        fields = {k: form.cleaned_data[k] for k in ("name", "school", "members")}
        services.team_edit(actor=actor, team=team, **fields)
        return
    round_ = _round(event, post.get("round"))
    data["kind"] = round_.kind
    form = _valid(RoundForm(data))
    rules = {k: v for k, v in form.cleaned_data.items() if k != "kind"}
    services.round_edit(actor=actor, round_=round_, **rules)


def _valid(form):
    if not form.is_valid():
        raise StageError(
            "；".join(
                f"{form.fields[k].label}：{e}" if k in form.fields else str(e)
                for k, errors in form.errors.items()
                for e in errors
            )
        )
    return form


def _round_step(actor, event, post, action, now):
    round_ = _round(event, post.get("round"))
    if action == "round_delete":
        services.round_delete(actor=actor, round_=round_, now=now)
    else:
        services.round_move(actor=actor, round_=round_, up=action == "round_up")


def _day_question(actor, event, data):
    round_ = _round(event, data["round"])
    services.question_add(
        actor=actor,
        round_=round_,
        stem=data["stem"],
        qtype=data["qtype"],
        options=data["options"],
        answer=data["answer"],
        answer_text=data.get("answer_text", ""),
        team=_team(event, data.get("team")),
    )


@login_required
def question_edit(request, event_id: int, question_id: int):
    """Correct a question before it goes on stage: a day question in full, a reserved bank question's
    round and team only."""
    event, actor = hosted_event(request.user, event_id)
    question = FinalQuestion.objects.select_related("team", "round").filter(round__event=event, pk=question_id).first()
    if question is None:
        raise Http404
    reserved = question.source_revision_id is not None
    form_class = QuestionPlaceForm if reserved else DayQuestionForm
    rounds = event.rounds.order_by("position", "id")
    form = form_class(request.POST or None, rounds=rounds, initial=question_initial(question))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        keep = ("stem", "qtype", "options", "answer", "answer_text")
        content = {k: getattr(question, k) if reserved else data.get(k, "") for k in keep}
        try:
            services.question_edit(
                actor=actor,
                question=question,
                round_=_round(event, data["round"]),
                team=_team(event, data.get("team")),
                now=timezone.now(),
                **content,
            )
        except AppError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存修改。"))
            return redirect("stage:manage", event_id=event.pk)
    context = {"event": event, "question": question, "form": form, "reserved": reserved}
    status = 400 if request.method == "POST" else 200
    return render(request, "stage/final_question_edit.html", context, status=status)


def _question_delete(actor, event, post, now):
    question = FinalQuestion.objects.select_related("round__event").filter(
        round__event=event, pk=post.get("question") or 0
    )
    found = question.first() if str(post.get("question", "")).isdigit() else None
    if found is None:
        raise StageError("没有该题。")
    services.question_delete(actor=actor, question=found, now=now)


def _reserve(actor, event, post):
    raw = str(post.get("question", ""))
    question = Question.objects.select_related("current_revision").filter(pk=raw).first() if raw.isdigit() else None
    if question is None:
        raise StageError("题库中没有该题。")
    team = post.get("team", "").strip()
    services.question_reserve(
        actor=actor, round_=_round(event, post.get("round")), question=question, team=_team(event, team or None)
    )
