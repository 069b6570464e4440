"""Tunable rules, each overridable in settings or the environment (READING_*). Read at call time so
tests can override them."""

import os

from django.conf import settings

DEFAULTS = {
    # engaged time: a save may add at most the wall time since the previous save plus this slack …
    "READING_SAVE_SLACK_S": 5,
    # … and never more than this (the client saves every 15 s; anything longer was a page left open)
    "READING_SAVE_CAP_S": 30,
    "READING_SAVE_INTERVAL_S": 15,  # what the page's script uses
    "READING_IDLE_S": 60,  # no input/scroll for this long: the page stops counting
    # marked read: this share of the text seen, for this share of the estimated reading time
    "READING_READ_MIN_POSITION": 0.8,
    "READING_READ_MIN_FRACTION": 0.4,
    # a reading time left blank is estimated from the text at a primary pupil's pace (字 per minute)
    "READING_CHARS_PER_MINUTE": 200,
    "READING_REFLECTION_MAX_CHARS": 800,
    "READING_FLAG_WINDOW_HOURS": 24,  # one flag per student per window; later matches fold into it
    # a flag nobody has opened for this long goes up one level (school → district → city)
    "READING_FLAG_ESCALATE_HOURS": 24,
    "READING_RETENTION_DAYS": 365,  # reflections, flags, case notes, quiz answers: one school year
    "READING_HELP_LINE": "12356（心理援助热线）、12355（青少年服务台）",
    "READING_AUDIO_MAX_MB": 20,
}


def get(name: str):
    if hasattr(settings, name):
        return getattr(settings, name)
    default = DEFAULTS[name]
    raw = os.environ.get(name)
    return default if raw is None else type(default)(raw)
