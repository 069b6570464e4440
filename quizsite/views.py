"""Project-level pages: the home page (each role's section, the organiser's dashboard) and error pages
in Chinese; the API has its own JSON error handlers."""

import sys

from django.http import JsonResponse
from django.shortcuts import render

from accounts.models import Role
from accounts.permissions import request_scope
from accounts.selectors import classes_taught_by
from competitions.selectors import contests_home_for_student
from core.errors import is_overload
from judging.entrants import works_home_for_adult
from judging.selectors import judge_queue_summary, submission_contests_home_for_student
from reading.selectors import flags_waiting, unseen_reminders
from results.landing import public_landing

from .dashboard import organiser_dashboard
from .middleware import overload_response, without_session


def home_sections(request) -> list[tuple[str, object]]:
    """(template under templates/home/, data) for each role of the user. The home page composes several
    apps, so it lives in the project layer (apps never import each other sideways for it)."""
    scope = request_scope(request)
    user = request.user
    sections: list[tuple[str, object]] = []
    if scope.has_role(Role.STUDENT):
        student = {
            "contests": contests_home_for_student(user),
            "submission_contests": submission_contests_home_for_student(user),
            "klass": scope.student_class,
            # a teacher's in-app nudge greets the student here until they open the reading list
            "reading_reminders": list(unseen_reminders(user)[:3]),
        }
        sections.append(("student", student))
    if scope.has_role(Role.TEACHER):
        sections.append(("teacher", {"classes": classes_taught_by(user)}))
    if scope.has_role(Role.JUDGE):
        sections.append(("judge", {"queue": judge_queue_summary(user)}))
    waiting = flags_waiting(scope)  # 0 unless the user is in a flag's chain (reading's private path)
    if scope.has_role(Role.COUNSELLOR) or waiting:
        sections.append(("counsellor", {"waiting": waiting}))
    if scope.roles.intersection((Role.TEACHER, Role.COUNSELLOR, Role.VOLUNTEER, Role.ORGANISER)):
        works = works_home_for_adult(user)
        if works or scope.has_role(Role.VOLUNTEER):
            sections.append(("works", {"contests": works}))
    if scope.has_role(Role.ORGANISER) or scope.is_admin:
        sections.append(("organiser", organiser_dashboard(user=user, scope=scope)))
    return sections


def home(request):
    if not request.user.is_authenticated:
        # anonymous visitors get the public landing page: current contests, verification, showcases
        return render(request, "landing.html", {"landing": public_landing()})
    return render(request, "home.html", {"sections": home_sections(request)})


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
    # An exhausted pool can surface outside any view (the session read behind request.user in a
    # middleware, the session save on the way out), where no process_exception sees it; Django calls
    # this handler while that exception is being handled.
    if is_overload(sys.exception()):
        return overload_response(request)
    if _wants_json(request):
        return JsonResponse({"code": "server_error", "message": "服务器内部错误，请稍后再试。"}, status=500)
    return render(request, "errors/500.html", without_session(request), status=500)
