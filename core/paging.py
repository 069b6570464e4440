"""Search and paging for list pages: one helper so every list reads `?q=` and `?page=` the same way and
renders templates/core/_pagination.html."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

PER_PAGE = 20


def search(queryset: QuerySet, q: str, *fields: str) -> QuerySet:
    """Rows whose any of `fields` contains `q` (case-insensitive); the whole queryset when `q` is blank."""
    q = (q or "").strip()
    if not q:
        return queryset
    cond = Q(pk__in=[])
    for name in fields:
        cond |= Q(**{f"{name}__icontains": q})
    return queryset.filter(cond)


def paginate(request, items, *, per_page: int = PER_PAGE, param: str = "page") -> Page:
    """The requested page; an out-of-range or malformed number gives the nearest valid page."""
    return Paginator(items, per_page).get_page(request.GET.get(param))


def page_query(request, *, param: str = "page") -> str:
    """The current query string without the page number, to build page links that keep the search."""
    params = request.GET.copy()
    params.pop(param, None)
    return params.urlencode()
