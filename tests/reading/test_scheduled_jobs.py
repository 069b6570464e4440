"""The reading app's housekeeping is scheduled by the deploy units: each timer starts a service that
runs a management command which exists and does the job (retention purge daily, escalation every
10 minutes, freezing ended months' enrolment hourly)."""

import configparser
import io
import shlex
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, get_commands
from django.utils import timezone

from accounts.models import EnrolmentSnapshot
from reading import services
from reading.models import DistressFlag, FlagLevel, Reflection
from tests.factories import Tree

from .factories import add_phrases, make_counsellor, make_reading

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
README = Path(__file__).resolve().parents[2] / "README.md"


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(UNITS / name, encoding="utf-8")
    return parser


def _command_of(timer: str) -> list[str]:
    service = _unit(timer)["Timer"]["Unit"]
    assert (UNITS / service).exists(), service
    unit = _unit(service)
    assert unit["Service"]["Type"] == "oneshot"
    assert unit["Service"]["EnvironmentFile"] == "/etc/quizsite/quizsite.env"
    argv = shlex.split(unit["Service"]["ExecStart"])
    assert argv[:2] == ["/srv/quizsite/.venv/bin/python", "manage.py"]
    return argv[2:]


@pytest.mark.parametrize(
    ("timer", "command", "normalized"),
    [
        ("quizsite-reading-purge.timer", "reading_purge", "*-*-* 03:30:00"),
        ("quizsite-reading-escalate.timer", "reading_escalate_flags", "*-*-* *:00/10:00"),
        ("quizsite-reading-freeze.timer", "reading_freeze_enrolment", "*-*-* *:05:00"),
    ],
)
def test_each_timer_runs_an_existing_command_on_its_schedule(timer, command, normalized):
    argv = _command_of(timer)
    assert argv[0] == command and command in get_commands()
    calendar = _unit(timer)["Timer"]["OnCalendar"]
    assert _unit(timer)["Timer"]["Persistent"] == "true"
    assert _unit(timer)["Install"]["WantedBy"] == "timers.target"
    if shutil.which("systemd-analyze"):
        out = subprocess.run(["systemd-analyze", "calendar", calendar], capture_output=True, text=True, check=True)
        assert f"Normalized form: {normalized}" in out.stdout
    assert timer in README.read_text(encoding="utf-8")  # the production section tells admins to enable it


@pytest.mark.django_db
def test_the_purge_unit_command_deletes_expired_reflections_and_flags():
    add_phrases()
    tree = Tree()
    make_counsellor(tree.school_a)
    old = timezone.now() - timedelta(days=400)
    reading = make_reading(tree.city, month=timezone.localtime(old).date().replace(day=1), minutes=1)
    services.reflection_save(user=tree.student_a, reading_id=reading.pk, text="被欺负", share_consent=False, now=old)
    services.reflection_save(user=tree.student_b, reading_id=reading.pk, text="读后很感动", share_consent=False)
    out = io.StringIO()
    call_command(*_command_of("quizsite-reading-purge.timer"), stdout=out)
    assert "心得 1，关注提示 1" in out.getvalue()
    assert list(Reflection.objects.values_list("user", flat=True)) == [tree.student_b.pk]
    assert not DistressFlag.objects.exists()
    with pytest.raises(CommandError):
        call_command("reading_purge", "--days", "7")


@pytest.mark.django_db
def test_the_escalation_unit_command_moves_an_overdue_flag(settings):
    settings.READING_FLAG_ESCALATE_HOURS = 24
    add_phrases()
    tree = Tree()
    make_counsellor(tree.school_a)
    raised = timezone.now() - timedelta(hours=25)
    reading = make_reading(tree.city, month=timezone.localtime(raised).date().replace(day=1))
    services.reflection_save(
        user=tree.student_a,
        reading_id=reading.pk,
        text="没有希望",
        share_consent=False,
        now=raised,
    )
    call_command(*_command_of("quizsite-reading-escalate.timer"), stdout=io.StringIO())
    assert DistressFlag.objects.get().level == FlagLevel.DISTRICT


@pytest.mark.django_db
def test_the_freeze_unit_command_freezes_only_ended_months():
    tree = Tree()
    this_month = timezone.localdate().replace(day=1)
    ended = make_reading(tree.city, month=(this_month - timedelta(days=1)).replace(day=1), title="上月")
    make_reading(tree.city, month=this_month, title="本月")
    out = io.StringIO()
    call_command(*_command_of("quizsite-reading-freeze.timer"), stdout=out)
    assert "已冻结 1 篇" in out.getvalue()
    snapshots = EnrolmentSnapshot.objects.all()
    assert [(s.object_id, s.counts) for s in snapshots] == [
        (ended.pk, {str(tree.class_a.pk): 1, str(tree.class_b.pk): 1})
    ]
    call_command("reading_freeze_enrolment", stdout=out)
    assert EnrolmentSnapshot.objects.count() == 1  # idempotent
