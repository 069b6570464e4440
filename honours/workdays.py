"""Working-day arithmetic for notice and answer periods.

A day is a working day when it is Monday–Friday and not listed as a holiday, or when it is listed as a
worked day (调休, `Holiday.is_workday`). The list is the `Holiday` table (admin: 节假日), one row per
date, maintained by the organisers each year from the State Council's notice."""

from datetime import date, timedelta


def holiday_map(start: date, span_days: int = 120) -> dict[date, bool]:
    from .models import Holiday

    rows = Holiday.objects.filter(date__gte=start, date__lte=start + timedelta(days=span_days))
    return {h.date: h.is_workday for h in rows}


def is_working_day(day: date, holidays: dict[date, bool]) -> bool:
    if day in holidays:
        return holidays[day]
    return day.weekday() < 5


def working_period_end(*, start: date, working_days: int) -> date:
    """Last day (inclusive) of a period of `working_days` working days beginning on `start` (or on the
    first working day after it)."""
    holidays = holiday_map(start, span_days=working_days * 3 + 60)
    day, counted = start, 0
    while True:
        if is_working_day(day, holidays):
            counted += 1
            if counted >= working_days:
                return day
        day += timedelta(days=1)


def add_working_days(*, start: date, working_days: int) -> date:
    """The date `working_days` working days after `start` (start itself not counted)."""
    holidays = holiday_map(start, span_days=working_days * 3 + 60)
    day, counted = start, 0
    while counted < working_days:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day
