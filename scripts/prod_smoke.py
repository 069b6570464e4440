"""Production-install smoke checks, run by scripts/prod_smoke.sh inside a venv built from requirements.txt
only. Standard library only, so it proves nothing that a dev requirement brings.

    python scripts/prod_smoke.py imports          import every non-test module of every package
    python scripts/prod_smoke.py serve BASE_URL ACCOUNTS_CSV
                                                  each role: each app's main page and API

A module that imports a dev-only package fails `imports`; a code path that needs one at request time
(e.g. the in-process leaderboard store) fails `serve` with a 5xx."""

from __future__ import annotations

import json
import pkgutil
import sys
import traceback
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_PARTS = {"tests", "bench"}
NOT_PACKAGES = {"tests", "bench", "scripts", "deploy", "static", "templates", "locale"}


def project_packages() -> list[str]:
    return sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file() and p.name not in NOT_PACKAGES)


def import_everything() -> int:
    import importlib

    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.conf import settings

    # The composition root first, as a server loads it: routers import quizsite.api back (GUIDE.md).
    importlib.import_module(settings.ROOT_URLCONF)
    failures, count = [], 0
    for package in project_packages():
        names = [package]
        pkg = importlib.import_module(package)
        names += [m.name for m in pkgutil.walk_packages(pkg.__path__, prefix=f"{package}.", onerror=failures.append)]
        for name in names:
            if SKIP_PARTS & set(name.split(".")):
                continue
            try:
                importlib.import_module(name)
                count += 1
            except Exception:  # noqa: BLE001 - report every broken module, not just the first
                failures.append(f"{name}:\n{traceback.format_exc(limit=3)}")
    for failure in failures:
        print(f"IMPORT FAILED {failure}", file=sys.stderr)
    print(f"imported {count} modules from {', '.join(project_packages())}; {len(failures)} failed")
    return 1 if failures else 0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A browser behind nginx: HTTPS as far as Django knows (X-Forwarded-Proto), cookies kept by hand
    because they are Secure and the socket is plain HTTP."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirect)
        self.origin = "https://" + urllib.parse.urlsplit(self.base).netloc

    def request(self, method: str, path: str, *, data: bytes | None = None, headers: dict | None = None):
        all_headers = {"X-Forwarded-Proto": "https", "Referer": self.origin + "/", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        req = urllib.request.Request(self.base + path, data=data, headers=all_headers, method=method)  # noqa: S310 - http://127.0.0.1 only
        try:
            resp = self.opener.open(req, timeout=30)
        except urllib.error.HTTPError as exc:
            resp = exc
        for header in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return resp.status, resp.read()

    def login(self, username: str, password: str) -> int:
        self.request("GET", "/accounts/login/")
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        ).encode()
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            data=form,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin},
        )
        return status

    def token(self, username: str, password: str) -> str:
        body = json.dumps({"username": username, "password": password}).encode()
        status, raw = self.request(
            "POST", "/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"}
        )
        if status != 200:
            raise SystemExit(f"token for {username}: {status} {raw[:300]!r}")
        return json.loads(raw)["token"]


PAGES = [
    "/",
    "/accounts/organisations/",
    "/questions/",
    "/contests/",
    "/judging/",
    "/results/stats/",
    "/results/certificates/mine/",
    "/verify/",
    "/admin/",
]
API = ["/api/v1/openapi.json", "/api/v1/contests", "/api/v1/judging/queue", "/api/v1/certificates"]


def demo_accounts(csv_path: str) -> list[tuple[str, str]]:
    """One (username, password) per role from seed_demo's --accounts-csv."""
    import csv

    picked: dict[str, tuple[str, str]] = {}
    with open(csv_path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            picked.setdefault(row["role"], (row["username"], row["password"]))
    return list(picked.values())


def serve(base: str, accounts: list[tuple[str, str]]) -> int:
    problems, seen = [], 0

    def check(who: str, method: str, path: str, status: int, body: bytes) -> None:
        nonlocal seen
        seen += 1
        mark = "ok" if status < 500 else "FAIL"
        print(f"{mark:4} {status} {who:<10} {method} {path}")
        if status >= 500:
            problems.append(f"{who} {method} {path} -> {status}: {body[:300]!r}")

    for username, password in accounts:
        client = Client(base)
        status = client.login(username, password)
        if status != 302:
            problems.append(f"login {username} -> {status} (expected a redirect)")
        token = client.token(username, password)
        bearer = {"Authorization": f"Bearer {token}"}
        contests = []
        for path in API:
            status, body = client.request("GET", path, headers=bearer)
            check(username, "GET", path, status, body)
            if path == "/api/v1/contests" and status == 200:
                contests = [c["id"] for c in json.loads(body)]
        for contest_id in contests:
            path = f"/api/v1/contests/{contest_id}/leaderboard"
            check(username, "GET", path, *client.request("GET", path, headers=bearer))
        for path in PAGES + [f"/leaderboards/contests/{c}/" for c in contests] + [f"/contests/{c}/" for c in contests]:
            check(username, "GET", path, *client.request("GET", path))
    for problem in problems:
        print(f"PROBLEM {problem}", file=sys.stderr)
    print(f"{seen} requests, {len(problems)} problems")
    return 1 if problems or not seen else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "imports":
        sys.exit(import_everything())
    if command == "serve" and len(sys.argv) > 3:
        sys.exit(serve(sys.argv[2], demo_accounts(sys.argv[3])))
    sys.exit(__doc__)
