"""Reading API (/api/v1/readings…). The quiz has its own endpoint (a reading quiz is untimed, 3–5
questions, scored at once): POST /readings/{id}/quiz. Thin: parse, call one service or selector."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone
from ninja import Router, Schema

from accounts.api import api_auth
from accounts.models import Role
from accounts.permissions import request_scope

from . import conf, monthly, selectors, services
from .errors import NoMonthStats, NotAllowed, NotAStudent

router = Router(tags=["reading"], auth=api_auth)


class ReadingOut(Schema):
    id: int
    title: str
    month: date
    opens_on: date
    series_id: int | None
    reading_minutes: int
    pass_percent: int
    state: str  # unread | reading | read | completed
    position: float
    engaged_s: int
    best_percent: int | None


class ReadingDetailOut(ReadingOut):
    body: str
    audio_url: str | None
    questions: list[dict]  # only once the reading is marked read; never the key


class ProgressIn(Schema):
    position: float  # 0..1: how far down the text the reader is
    engaged_s: float  # seconds visible-and-active since the previous save (the server caps it)


class ProgressOut(Schema):
    position: float
    max_position: float
    engaged_s: int
    read: bool
    read_at: datetime | None


class QuizIn(Schema):
    answers: dict[str, Any]  # question id → ["B"] | ["A","C"] | true | ["blank 1", …]


class QuizOut(Schema):
    score: float
    max_score: float
    percent: int
    passed: bool
    best_percent: int
    completed: bool
    review: list[dict]


class ReflectionIn(Schema):
    text: str
    share_consent: bool = False


class ReflectionOut(Schema):
    saved: bool
    share_consent: bool
    help_line: str | None  # present when the text suggests the student may need support


class StatsRowOut(Schema):
    name: str
    enrolled: int  # 在册学生 in the classes any of the month's readings targets (each student once)
    readers: int
    completed: int
    participation_rate: float | None  # completed / enrolled (results.statistics.participation_rate)
    quiz_results: int  # best scores counted (one per student and reading quiz taken)
    average_score: float | None  # mean of those best scores, in %
    engaged_minutes: float


class StatsDistrictOut(Schema):
    total: StatsRowOut
    schools: list[StatsRowOut]


class MonthReadingOut(Schema):
    id: int
    title: str
    grade_bands: list[str]


class MonthStatsOut(Schema):
    month: str  # YYYY-MM
    readings: list[MonthReadingOut]
    total: StatsRowOut
    districts: list[StatsDistrictOut]
    classes: list[StatsRowOut]


def _row(row) -> dict:
    return {
        "name": row.name,
        "enrolled": row.enrolled,
        "readers": row.readers,
        "completed": row.completed,
        "participation_rate": row.participation_rate,
        "quiz_results": row.quiz_takers,
        "average_score": row.average_score,
        "engaged_minutes": row.engaged_minutes,
    }


def _class(request):
    klass = selectors.student_class(request.user)
    if klass is None:
        raise NotAStudent()
    return klass


def _out(reading, progress) -> dict:
    return {
        "id": reading.pk,
        "title": reading.title,
        "month": reading.month,
        "opens_on": reading.opens_on,
        "series_id": reading.series_id,
        "reading_minutes": reading.reading_minutes,
        "pass_percent": reading.pass_percent,
        "state": selectors.reading_state(progress),
        "position": progress.position if progress else 0.0,
        "engaged_s": progress.engaged_s if progress else 0,
        "best_percent": progress.best_percent if progress else None,
    }


def _question(rev) -> dict:
    return {
        "id": rev.pk,
        "type": rev.qtype,
        "stem": rev.stem,
        "options": [{"key": o["key"], "text": o["text"]} for o in rev.options],
        "blanks": rev.blank_count,
    }


@router.get("/readings", response=list[ReadingOut], summary="学生可读的阅读列表（含本人进度）")
def readings_list(request):
    readings = selectors.readings_for_class(_class(request), timezone.now())
    progress = selectors.progress_by_reading(request.user, readings)
    return [_out(r, progress.get(r.pk)) for r in readings]


@router.get("/readings/{reading_id}", response=ReadingDetailOut, summary="阅读正文；读完后附测验题（不含答案）")
def reading_detail(request, reading_id: int):
    reading, _klass = selectors.reading_for_student(user=request.user, reading_id=reading_id, now=timezone.now())
    progress = selectors.progress_by_reading(request.user, [reading]).get(reading.pk)
    data = _out(reading, progress)
    data["body"] = reading.body
    data["audio_url"] = reading.audio.url if reading.audio else None
    read = progress is not None and progress.read_at is not None
    data["questions"] = [_question(link.revision) for link in selectors.quiz_questions(reading)] if read else []
    return data


@router.post(
    "/readings/{reading_id}/progress",
    response=ProgressOut,
    summary="保存阅读进度",
    description="engaged_s 为自上次保存以来页面可见且有操作的秒数；服务器按距上次保存的实际时间（加少量余量）"
    "和每次上限截断，页面挂着不动不计时。",
)
def progress_save(request, reading_id: int, payload: ProgressIn):
    p = services.progress_save(
        user=request.user, reading_id=reading_id, position=payload.position, engaged_s=payload.engaged_s
    )
    return {
        "position": p.position,
        "max_position": p.max_position,
        "engaged_s": p.engaged_s,
        "read": p.read_at is not None,
        "read_at": p.read_at,
    }


@router.post(
    "/readings/{reading_id}/quiz",
    response=QuizOut,
    summary="提交阅读测验（立即评分，可重做，保留最高分）",
)
def quiz_submit(request, reading_id: int, payload: QuizIn):
    attempt, review = services.quiz_submit(user=request.user, reading_id=reading_id, answers=payload.answers)
    reading, _klass = selectors.reading_for_student(user=request.user, reading_id=reading_id, now=timezone.now())
    progress = selectors.progress_by_reading(request.user, [reading])[reading.pk]
    return {
        "score": float(attempt.score),
        "max_score": float(attempt.max_score),
        "percent": attempt.percent,
        "passed": attempt.percent >= reading.pass_percent,
        "best_percent": progress.best_percent,
        "completed": progress.completed_at is not None,
        "review": [
            {
                "question_id": r["revision"].pk,
                "your_answer": r["answer"],
                "correct": r["correct"],
                "correct_answer": r["revision"].answer,
                "explanation": r["revision"].explanation,
            }
            for r in review
        ],
    }


@router.post("/readings/{reading_id}/reflection", response=ReflectionOut, summary="保存阅读心得")
def reflection_save(request, reading_id: int, payload: ReflectionIn):
    reflection, concerning = services.reflection_save(
        user=request.user, reading_id=reading_id, text=payload.text, share_consent=payload.share_consent
    )
    return {
        "saved": True,
        "share_consent": reflection.share_consent,
        "help_line": conf.get("READING_HELP_LINE") if concerning else None,
    }


@router.get(
    "/readings/stats/monthly",
    response=MonthStatsOut,
    summary="每月阅读统计（该月全部阅读合并；组织者看本辖区，教师看本班）",
    description="month=YYYY-MM。在册学生为该月任一篇阅读面向的班级中的学生（每人计一次），参与率 = 完成至少一篇的"
    "学生 / 在册学生，与页面和 Excel 导出同一函数计算。不含任何心得或心理关注信息。",
)
def month_stats(request, month: str):
    scope = request_scope(request)
    if not (scope.is_admin or scope.has_role(Role.ORGANISER) or scope.has_role(Role.TEACHER)):
        raise NotAllowed()
    result = monthly.month_stats(monthly.parse_month(month), scope)
    if result is None:
        raise NoMonthStats()
    return {
        "month": f"{result.month:%Y-%m}",
        "readings": [{"id": r.pk, "title": r.title, "grade_bands": r.grade_bands} for r in result.readings],
        "total": _row(result.total),
        "districts": [{"total": _row(d.total), "schools": [_row(s) for s in d.schools]} for d in result.districts],
        "classes": [_row(c) for c in result.classes],
    }
