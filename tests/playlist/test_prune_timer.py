"""The daily prune of view de-duplication marks is scheduled by the deploy units and runs a real command."""

import configparser
import datetime as dt
import io
import shlex
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands

from playlist.models import VideoStats, VideoViewMark
from playlist.services import record_play

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(UNITS / name, encoding="utf-8")
    return parser


def test_the_timer_starts_the_prune_command_daily():
    timer = _unit("quizsite-playlist-prune.timer")
    assert timer["Timer"]["OnCalendar"] == "*-*-* 04:10:00" and timer["Timer"]["Persistent"] == "true"
    service = _unit(timer["Timer"]["Unit"])
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["EnvironmentFile"] == "/etc/quizsite/quizsite.env"
    argv = shlex.split(service["Service"]["ExecStart"])
    assert argv == ["/srv/quizsite/.venv/bin/python", "manage.py", "playlist_prune_views"]
    assert argv[2] in get_commands()


@pytest.mark.django_db
def test_the_command_deletes_old_marks_and_keeps_counts(world):
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    record_play(entry_id=world.shown.pk, viewer="v", address="a", capped=False, now=old)
    record_play(entry_id=world.shown.pk, viewer="v", address="a", capped=False)
    out = io.StringIO()
    call_command("playlist_prune_views", stdout=out)
    assert out.getvalue().strip() == "deleted 1"
    assert VideoViewMark.objects.count() == 1
    assert VideoStats.objects.get(entry=world.shown).views == 2
