"""Settings behave as README promises: env-driven database, cache, channel layer and a clean deploy check."""

import os
import secrets
import subprocess
import sys

import pytest
from django.db import connection

from quizsite.settings import base
from tests.conftest import ROOT


def _settings_module_value(env: dict, expr: str) -> str:
    code = f"import quizsite.settings.base as s; print({expr})"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_production_settings_pass_check_deploy_with_no_warnings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "quizsite.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "contest.example.cn",
        "CSRF_TRUSTED_ORIGINS": "https://contest.example.cn",
        "SITE_URL": "https://contest.example.cn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("site_url", ["", "http://contest.example.cn", "https://contest.example.cn/verify"])
def test_check_deploy_fails_without_an_https_site_url(site_url):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "quizsite.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "contest.example.cn",
        "CSRF_TRUSTED_ORIGINS": "https://contest.example.cn",
        "SITE_URL": site_url,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr + result.stdout


def test_production_settings_refuse_a_missing_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "quizsite.settings.production", "SECRET_KEY": ""}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_without_database_url_the_default_is_sqlite_with_wal_and_busy_timeout():
    config = _settings_module_value({"DATABASE_URL": ""}, "s.DATABASES['default']")
    assert "sqlite3" in config
    assert "journal_mode=WAL" in config
    assert "'timeout': 20" in config


def test_postgres_url_uses_the_psycopg_pool_and_no_persistent_connections():
    config = _settings_module_value(
        {"DATABASE_URL": "postgres://u@127.0.0.1:5432/x"},
        "(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['CONN_MAX_AGE'], "
        "'pool' in s.DATABASES['default']['OPTIONS'])",
    )
    assert config == "('django.db.backends.postgresql', 0, True)"


def test_redis_url_switches_channel_layer_and_cache_to_redis():
    value = _settings_module_value(
        {"REDIS_URL": "redis://127.0.0.1:6379/3"},
        "(s.CHANNEL_LAYERS['default']['BACKEND'], s.CACHES['default']['BACKEND'])",
    )
    assert "channels_redis" in value and "RedisCache" in value
    value = _settings_module_value({"REDIS_URL": ""}, "s.CHANNEL_LAYERS['default']['BACKEND']")
    assert value == "channels.layers.InMemoryChannelLayer"


def test_language_and_time_zone_are_chinese():
    assert base.LANGUAGE_CODE == "zh-hans"
    assert base.TIME_ZONE == "Asia/Shanghai"
    assert base.USE_TZ is True


def test_background_tasks_use_the_database_backend_outside_tests():
    assert base.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


@pytest.mark.django_db
def test_sqlite_test_database_runs_in_wal_mode():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only check; this run uses " + connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0].lower() == "wal"


@pytest.mark.postgres
@pytest.mark.django_db
def test_database_url_really_reaches_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert "PostgreSQL" in cursor.fetchone()[0]


@pytest.mark.redis
async def test_channel_layer_round_trips_through_redis():
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    assert "channels_redis" in type(layer).__module__
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "ping", "n": 1})
    message = await layer.receive(channel)
    assert message == {"type": "ping", "n": 1}
