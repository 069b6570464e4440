"""Production shape: nginx (deploy/nginx-cluster.conf) in front of daphne with MEDIA_ACCEL_REDIRECT set.
The app checks the permission and answers X-Accel-Redirect; nginx serves the Range itself; a hidden or
withdrawn video gets the app's 404 and nginx never touches the file. Skipped when nginx is not installed."""

import http.client
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from playlist.services import consent_withdraw
from tests.conftest import ROOT, _free_port, start_daphne
from tests.factories import Tree

from .factories import VIDEO_BYTES, VideoWorld

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed (apt-get install -y nginx)"),
]


def _wait_port(port: int, proc) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("nginx exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nginx did not start")


@pytest.fixture
def behind_nginx(settings, django_db_blocker):
    # nginx workers run as an unprivileged user when started as root: media and run dirs must be readable
    media = Path(tempfile.mkdtemp(prefix="playlist-media-"))
    run = Path(tempfile.mkdtemp(prefix="playlist-nginx-"))
    for path in (media, run):
        path.chmod(0o777)
    settings.MEDIA_ROOT = media
    env = {"MEDIA_ROOT": str(media), "MEDIA_ACCEL_REDIRECT": "/_protected_media/"}
    with django_db_blocker.unblock():
        daphne, daphne_url = start_daphne(env_extra=env)
    port = _free_port()
    upstream = daphne_url.rsplit(":", 1)[1]
    conf = (ROOT / "deploy" / "nginx-cluster.conf").read_text()
    for key, value in {
        "__RUN__": run,
        "__PORT__": port,
        "__A__": upstream,
        "__B__": upstream,
        "__MEDIA__": media,
    }.items():
        conf = conf.replace(key, str(value))
    (run / "nginx.conf").write_text(conf)
    nginx = subprocess.Popen(
        [NGINX, "-c", str(run / "nginx.conf"), "-p", str(run), "-e", str(run / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_port(port, nginx)
        yield f"http://127.0.0.1:{port}"
    finally:
        for proc in (nginx, daphne):
            proc.terminate()
            proc.wait(timeout=10)
        daphne.stderr.close()
        shutil.rmtree(run, ignore_errors=True)
        shutil.rmtree(media, ignore_errors=True)


def fetch(url, headers=None):
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", parts.path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_nginx_serves_the_range_only_after_the_app_allowed_it(behind_nginx):
    world = VideoWorld(Tree())
    status, headers, body = fetch(behind_nginx + world.url("video"), {"Range": "bytes=100-199"})
    assert status == 206, body[:200]
    assert body == VIDEO_BYTES[100:200]
    assert headers["Content-Range"] == f"bytes 100-199/{len(VIDEO_BYTES)}"
    assert headers["Content-Type"] == "video/mp4"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Accel-Redirect" not in headers
    status, _headers, _body = fetch(behind_nginx + world.url("video"), {"Range": "bytes=5000-"})
    assert status == 416
    for item in (world.item_no_consent, world.item_unawarded):
        status, _headers, body = fetch(behind_nginx + world.url("video", item), {"Range": "bytes=0-"})
        assert status == 404 and VIDEO_BYTES[:50] not in body
    # the internal location itself is not reachable from outside
    name = world.shown.versions.get().file.name
    assert fetch(f"{behind_nginx}/_protected_media/{name}")[0] == 404
    consent_withdraw(actor=world.t.student_a, entry=world.shown)
    assert fetch(behind_nginx + world.url("video"), {"Range": "bytes=0-9"})[0] == 404
