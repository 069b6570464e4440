"""The deadline sweep is scheduled in deployment: its timer starts a one-shot service running the sweep command
(test_attempts.py shows that command scores attempts left open past their deadline)."""

import shutil
import subprocess

from tests.reading.test_scheduled_jobs import README, _command_of, _unit

TIMER = "quizsite-deadline-sweep.timer"


def test_the_sweep_timer_runs_every_minute_and_is_documented():
    assert _command_of(TIMER) == ["finalize_expired_attempts"]
    calendar = _unit(TIMER)["Timer"]["OnCalendar"]
    if shutil.which("systemd-analyze"):
        out = subprocess.run(["systemd-analyze", "calendar", calendar], capture_output=True, text=True, check=True)
        assert "Normalized form: *-*-* *:*:00" in out.stdout
    assert TIMER in README.read_text(encoding="utf-8")
