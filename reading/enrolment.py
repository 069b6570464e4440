"""在册学生 of a reading, through accounts' one enrolment counting: live (today's roster, only the classes
in view) while the reading's month is running; frozen in an `EnrolmentSnapshot` from the month's end on,
so a past month's 参与率 does not move when rosters are imported later (as for closed contests). The
freeze is taken by `manage.py reading_freeze_enrolment` (hourly timer) or by the first read after."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from accounts.enrolment import enrolment_by_class, enrolment_snapshot_closed
from results import statistics as rs

from .models import Reading, ReadingStatus


def enrolled_in_view(reading: Reading, paths: list[str], *, now: datetime | None = None) -> dict[int, int]:
    """class id → students of the reading's audience (and grade bands) in the classes under `paths`
    (the user's view, `stats.stats_paths`). One query live, two frozen."""
    now = now or timezone.now()
    if now < reading.closes_at:
        return rs.enrolled_by_class(paths, reading.grade_bands)
    frozen = enrolment_by_class(reading, now=now)
    in_view = rs.class_schools(paths)
    return {class_id: n for class_id, n in frozen.items() if class_id in in_view}


def enrolment_freeze_closed(*, now: datetime | None = None) -> int:
    """Freeze the enrolment of every published reading whose month has ended and has no snapshot yet."""
    now = now or timezone.now()
    month_start = timezone.localtime(now).date().replace(day=1)
    readings = Reading.objects.filter(status=ReadingStatus.PUBLISHED, month__lt=month_start).select_related("owner_org")
    return enrolment_snapshot_closed(readings, now=now)
