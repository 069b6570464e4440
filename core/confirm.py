"""A confirmation step for irreversible actions that works without JavaScript.

A form posts the action; unless the request carries `confirmed=1`, the view answers with a page that
restates what will happen and re-posts the same fields with `confirmed=1`. static/js/confirm.js shows
the same question in a <dialog> on forms marked `data-confirm` and adds `confirmed=1` itself, so
with JavaScript the extra page is never seen."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirmed"


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRM_FIELD) == "1"


def confirmation_page(request: HttpRequest, *, title: str, message: str, button: str, back_url: str) -> HttpResponse:
    fields = [
        (name, value)
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", CONFIRM_FIELD)
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "core/confirm.html",
        {"title": title, "message": message, "button": button, "back_url": back_url, "fields": fields},
    )
