"""Shared fixtures, and the rule for optional test groups.

Groups that need something the machine may lack (chromium, PostgreSQL, Redis) are skipped with a
reason when it is missing, and the run ends with a summary of what was skipped and why. With
REQUIRE_ALL=1 (set by .ci/run) such a skip is a failure instead, so CI always runs every group."""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_ALL = os.environ.get("REQUIRE_ALL") == "1"
# Under REQUIRE_ALL, which groups must run (default: all). The SQLite CI pass requires only "browser".
REQUIRED_GROUPS = {g.strip() for g in os.environ.get("REQUIRE_GROUPS", "browser,postgres,redis").split(",") if g}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
_group_skips: dict[str, str] = {}


def _redis_reachable() -> str | None:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return "REDIS_URL is not set"
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return None
    except OSError as exc:
        return f"Redis at {url} is not reachable ({exc})"


def _postgres_configured() -> str | None:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return "DATABASE_URL does not point at PostgreSQL"
    return None


def _browser_available() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


GROUP_CHECKS = {"browser": _browser_available, "postgres": _postgres_configured, "redis": _redis_reachable}


def pytest_runtest_setup(item):
    for group, check in GROUP_CHECKS.items():
        if item.get_closest_marker(group) is None:
            continue
        if group not in _group_skips:
            _group_skips[group] = check() or ""
        reason = _group_skips[group]
        if reason:
            if REQUIRE_ALL and group in REQUIRED_GROUPS:
                pytest.fail(f"[{group}] required by REQUIRE_ALL=1 but unavailable: {reason}", pytrace=False)
            pytest.skip(f"[{group}] {reason}")


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def pytest_terminal_summary(terminalreporter):
    skipped = {g: r for g, r in _group_skips.items() if r}
    if skipped:
        terminalreporter.section("skipped test groups")
        for group, reason in skipped.items():
            terminalreporter.write_line(f"{group}: skipped because {reason}")


# --- a live daphne server against the test database -------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url_for_subprocess(settings_dict) -> str:
    name = settings_dict["NAME"]
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{name}"
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{settings_dict.get('HOST') or '127.0.0.1'}:{settings_dict.get('PORT') or 5432}/{name}"


def start_daphne(*, env_extra: dict | None = None, port: int | None = None) -> tuple[subprocess.Popen, str]:
    from django.db import connection

    port = port or _free_port()
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "quizsite.settings.test",
            "DATABASE_URL": database_url_for_subprocess(connection.settings_dict),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(env_extra or {})
    proc = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "quizsite.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"daphne exited: {proc.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise RuntimeError("daphne did not start within 30 s")
    return proc, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def live_daphne(django_db_setup, django_db_blocker):
    """Base URL of a real daphne process serving the project against the test database. Tests that
    use it need `transactional_db` so the rows they create are committed and visible to it."""
    with django_db_blocker.unblock():
        proc, url = start_daphne()
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def chromium_browser():
    from playwright.sync_api import sync_playwright

    if _browser_available():
        pytest.skip(_browser_available())
    # Playwright's sync API keeps an event loop running in this thread, which trips Django's async-safety
    # guard on the tests' own (synchronous) ORM calls. Browser tests run last (see
    # pytest_collection_modifyitems), so relaxing the guard here does not hide anything in other tests.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone_page(chromium_browser):
    """A page on a 390×844 phone viewport with a Chinese locale."""
    context = chromium_browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def tablet_page(chromium_browser):
    context = chromium_browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN", has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def lb_prefix(settings):
    """Every test gets its own leaderboard key namespace (and pub/sub channel): database ids are reused
    between tests, and runs sharing a Redis server must never see each other's boards. Only this test's
    keys are deleted afterwards."""
    prefix = f"lbtest-{uuid.uuid4().hex[:12]}"
    settings.LEADERBOARD_PREFIX = prefix
    yield prefix
    drop_leaderboard_prefix(prefix)


def drop_leaderboard_prefix(prefix: str) -> None:
    from leaderboards.store import memory

    for key in [k for k in memory._boards if k[0] == prefix]:
        memory._boards.pop(key, None)
    url = os.environ.get("REDIS_URL")
    if url:
        import redis

        try:
            client = redis.Redis.from_url(url)
            keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        except redis.RedisError:
            pass


@pytest.fixture(autouse=True)
def _clear_local_cache(settings):
    # Only the in-process cache: clearing a Redis cache would FLUSHDB a shared server.
    if "locmem" in settings.CACHES["default"]["BACKEND"]:
        from django.core.cache import cache

        cache.clear()
