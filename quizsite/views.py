"""Project-level pages: the home page (each role's section, the organiser's dashboard) and error pages
in Chinese; the API has its own JSON error handlers."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render

from accounts.permissions import request_scope
from accounts.views import home_sections

from .dashboard import organiser_dashboard


@login_required
def home(request):
    sections = []
    for kind, data in home_sections(request):
        if kind == "organiser":
            data = organiser_dashboard(user=request.user, scope=request_scope(request))
        sections.append((kind, data))
    return render(request, "home.html", {"sections": sections})


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def permission_denied(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"code": "forbidden", "message": "没有权限执行此操作。"}, status=403)
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"code": "not_found", "message": "请求的资源不存在。"}, status=404)
    return render(request, "errors/404.html", status=404)


def server_error(request):
    if _wants_json(request):
        return JsonResponse({"code": "server_error", "message": "服务器内部错误，请稍后再试。"}, status=500)
    return render(request, "errors/500.html", status=500)
