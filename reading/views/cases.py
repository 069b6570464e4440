"""The counsellor's private case list. Only a school's counsellors and that school's own organiser reach
these pages; everybody else gets the same 403 whether a case exists or not."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from accounts.permissions import request_scope
from core.errors import AppError

from .. import selectors, services
from ..errors import NotAllowed
from ..models import FlagState


@login_required
def case_list(request):
    scope = request_scope(request)
    if not selectors.can_see_cases(scope):
        raise NotAllowed()
    flags = selectors.flags_visible(scope).order_by("state", "-created_at")
    return render(request, "reading/cases.html", {"flags": flags})


@login_required
def case_detail(request, pk: int):
    flag = services.flag_open(actor=request.user, flag_id=pk)
    if request.method == "POST":
        try:
            services.flag_update(
                actor=request.user, flag_id=pk, state=request.POST.get("state", ""), note=request.POST.get("note", "")
            )
        except AppError as exc:
            messages.error(request, exc.message)
        return redirect("reading:case", pk=pk)
    return render(
        request,
        "reading/case.html",
        {"flag": flag, "notes": flag.notes.select_related("author"), "states": FlagState.choices},
    )
