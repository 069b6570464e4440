"""Anomaly detection on a schedule: `detect_vote_anomalies --open` examines exactly the campaigns whose
voting is open or closed within the last 24 hours, re-running it quarantines nothing twice, and the deploy
units run it every 5 minutes."""

import io
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from honours.models import VoteFlag, VoteFlagState
from honours.voting_set import campaigns_to_watch
from tests.reading.test_scheduled_jobs import README, _command_of, _unit

from .factories import NOW, build_world, make_campaign
from .synth import add_votes

TIMER = "quizsite-honours-anomalies.timer"
HONOURS_README = README.parent / "honours" / "README.md"


def _campaigns(w, now):
    """title → campaign, one on each side of every boundary of the watched window."""
    h = timedelta(hours=1)
    windows = {
        "open": (now - h, now + h),
        "opens_now": (now, now + h),
        "not_yet": (now + timedelta(seconds=1), now + h),
        "closed_23h": (now - 48 * h, now - 23 * h),
        "closed_just_under_24h": (now - 48 * h, now - 24 * h + timedelta(seconds=1)),
        "closed_24h": (now - 48 * h, now - 24 * h),
        "closed_long_ago": (now - 480 * h, now - 240 * h),
    }
    made = {t: make_campaign(w, title=t, vote_opens_at=a, vote_closes_at=b) for t, (a, b) in windows.items()}
    made["draft"] = make_campaign(w, title="draft", vote_opens_at=now - h, vote_closes_at=now + h, draft=True)
    made["no_window"] = make_campaign(w, title="no_window", vote_opens_at=None, vote_closes_at=None)
    return made


WATCHED = {"open", "opens_now", "closed_23h", "closed_just_under_24h"}


@pytest.mark.django_db
def test_the_watched_campaigns_are_exactly_the_open_and_recently_closed_ones():
    w = build_world()
    _campaigns(w, NOW)
    assert {c.title for c in campaigns_to_watch(NOW)} == WATCHED


def _stuffed(campaign, w, at):
    """One voter key's votes for one candidate on five days: the single_candidate rule picks them out."""
    from .factories import approve_to, nominate

    cand = approve_to(nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0]), "city", w)
    add_votes(campaign, [{"candidate": cand, "voter_key": "u1", "cast_at": at - timedelta(days=i)} for i in range(5)])


@pytest.mark.django_db
def test_the_open_run_flags_the_watched_campaigns_only_and_twice_is_once():
    w = build_world()
    now = timezone.now()
    made = _campaigns(w, now)
    for title in ("open", "closed_23h", "closed_long_ago"):
        camp = made[title]
        _stuffed(camp, w, min(camp.vote_closes_at, now) - timedelta(minutes=10))
    out = io.StringIO()
    call_command("detect_vote_anomalies", "--open", stdout=out)
    assert "共检测 4 个评选" in out.getvalue()
    flagged = {f.campaign.title for f in VoteFlag.objects.select_related("campaign")}
    assert flagged == {"open", "closed_23h"}
    assert VoteFlag.objects.count() == 10
    # a committee decision survives the next runs; nothing is flagged twice
    VoteFlag.objects.filter(campaign=made["open"]).update(state=VoteFlagState.RELEASED, reason="核查无误")
    out = io.StringIO()
    call_command("detect_vote_anomalies", "--open", stdout=out)
    call_command("detect_vote_anomalies", "--open", stdout=out)
    assert "新隔离 5 票" not in out.getvalue() and out.getvalue().count("新隔离 0 票") == 8
    assert VoteFlag.objects.count() == 10
    assert VoteFlag.objects.filter(campaign=made["open"], state=VoteFlagState.RELEASED).count() == 5


@pytest.mark.django_db
def test_the_positional_form_still_works_and_the_two_forms_exclude_each_other():
    w = build_world()
    camp = make_campaign(w, vote_opens_at=NOW - timedelta(days=400), vote_closes_at=NOW - timedelta(days=399))
    _stuffed(camp, w, camp.vote_closes_at - timedelta(minutes=10))
    out = io.StringIO()
    call_command("detect_vote_anomalies", str(camp.pk), stdout=out)  # any campaign, even long closed
    assert "新隔离 5 票" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("detect_vote_anomalies", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("detect_vote_anomalies", str(camp.pk), "--open", stdout=io.StringIO())


def test_the_timer_runs_the_open_detection_every_5_minutes_and_is_documented():
    assert _command_of(TIMER) == ["detect_vote_anomalies", "--open"]
    timer = _unit(TIMER)["Timer"]
    assert timer["Persistent"] == "true" and _unit(TIMER)["Install"]["WantedBy"] == "timers.target"
    if shutil.which("systemd-analyze"):
        out = subprocess.run(
            ["systemd-analyze", "calendar", timer["OnCalendar"]], capture_output=True, text=True, check=True
        )
        assert "Normalized form: *-*-* *:00/5:00" in out.stdout
    assert TIMER in README.read_text(encoding="utf-8")
    assert TIMER in HONOURS_README.read_text(encoding="utf-8")
