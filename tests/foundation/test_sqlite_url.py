"""Any SQLite database, the default file or a `DATABASE_URL=sqlite:///…`, queues concurrent writers
instead of failing them with "database is locked"."""

import os
import subprocess
import sys

from tests.conftest import ROOT

# Concurrent read-then-write transactions, as answer saves are: with deferred transactions a reader that
# then writes while another writer holds the lock fails at once, whatever the busy timeout.
CONCURRENT_WRITERS = """
import threading

import django

django.setup()
from django.db import OperationalError, connection, connections, transaction

with connection.cursor() as c:
    c.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)")
    c.execute("INSERT INTO counter (n) VALUES (0)")
    c.execute("PRAGMA journal_mode")
    print("journal", c.fetchone()[0])
errors = []
barrier = threading.Barrier(16)


def student():
    barrier.wait()
    for _ in range(25):
        try:
            with transaction.atomic(), connection.cursor() as c:
                c.execute("SELECT n FROM counter WHERE id = 1")
                n = c.fetchone()[0]
                c.execute("UPDATE counter SET n = %s WHERE id = 1", [n + 1])
        except OperationalError as exc:
            errors.append(str(exc))
    connections.close_all()


threads = [threading.Thread(target=student) for _ in range(16)]
for t in threads:
    t.start()
for t in threads:
    t.join()
with connection.cursor() as c:
    c.execute("SELECT n FROM counter WHERE id = 1")
    print("saved", c.fetchone()[0], "failed", len(errors))
"""


def _run_with_database_url(url: str) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "quizsite.settings.base",
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-c", CONCURRENT_WRITERS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_sqlite_url_gets_the_same_options_as_the_default_file():
    code = (
        "import quizsite.settings.base as s; o = s.DATABASES['default']['OPTIONS']; "
        "print(o['transaction_mode'], o['timeout'], 'journal_mode=WAL' in o['init_command'])"
    )
    env = {**os.environ, "DATABASE_URL": "sqlite:////tmp/other.db"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["IMMEDIATE", "20", "True"]


def test_concurrent_students_on_a_sqlite_url_all_save(tmp_path):
    out = _run_with_database_url(f"sqlite:///{tmp_path / 'other.db'}")
    assert "journal wal" in out
    assert "saved 400 failed 0" in out
