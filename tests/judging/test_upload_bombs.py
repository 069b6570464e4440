"""A small upload cannot take a server process down: a docx bomb is refused in the request from its zip
directory alone (413, Chinese reason, nothing stored); one that lies about its sizes is stopped by the
worker; and every upload is rebuilt by the task worker, judges seeing it only once that succeeded."""

import io
import tracemalloc
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from judging import selectors, services
from judging.models import ContestKind, Entry, EntryVersion, FileStatus
from tests.bombs import EXPANDED, MB, bomb

from .factories import World, make_contest
from .hostile_files import BODY_TEXT, hostile_docx
from .identity import leaks


def doc_contest(w):
    return make_contest(w.tree, open_now=True, kind=ContestKind.DOCUMENT, code_prefix="DY", max_file_mb=5)


def media_files(settings):
    root = settings.MEDIA_ROOT
    import pathlib

    return sorted(p.name for p in pathlib.Path(root).rglob("*") if p.is_file()) if pathlib.Path(root).exists() else []


@pytest.mark.django_db
def test_a_docx_bomb_is_refused_in_the_request_with_413_and_nothing_stored(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = World(schools=0, judges=0)
    contest = doc_contest(w)
    client.force_login(w.tree.student_a)
    data = bomb("docx")
    upload = SimpleUploadedFile("报告.docx", data)
    client.get(reverse("judging:entry_edit", args=[contest.pk]))  # templates and URLs loaded before measuring
    tracemalloc.start()
    try:
        response = client.post(
            reverse("judging:entry_edit", args=[contest.pk]), {"title": "调研", "file": upload, "pledge": "on"}
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 413
    assert "压缩炸弹" in response.content.decode()
    assert peak < 16 * MB < EXPANDED  # the request never expanded the 300 MB member
    assert not Entry.objects.exists() and not EntryVersion.objects.exists()
    assert media_files(settings) == []


@pytest.mark.django_db
def test_a_bomb_lying_about_its_size_fails_in_the_worker_with_a_chinese_reason_and_stays_unjudged(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = World(schools=0, judges=0)
    contest = doc_contest(w)
    tracemalloc.start()
    try:
        entry, version = services.entry_save(
            contest=contest,
            student=w.tree.student_a,
            title="调研",
            upload=SimpleUploadedFile("报告.docx", bomb("docx", lie=True)),
            pledge_accepted=True,
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert version.file_status == FileStatus.FAILED and "损坏" in version.file_error
    assert peak < 16 * MB
    assert entry.saved_version() is None and not version.file
    assert media_files(settings) == []  # the raw upload is deleted too


@pytest.mark.django_db
def test_a_refused_upload_keeps_the_previous_file_for_the_judges(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = World(schools=0, judges=0)
    contest = doc_contest(w)
    student = w.tree.student_a
    entry, first = services.entry_save(
        contest=contest, student=student, title="调研", upload=SimpleUploadedFile("a.docx", hostile_docx()),
        pledge_accepted=True,
    )  # fmt: skip
    _e, second = services.entry_save(
        contest=contest, student=student, title="调研（修改）",
        upload=SimpleUploadedFile("b.docx", bomb("docx", lie=True)), pledge_accepted=True,
    )  # fmt: skip
    assert first.file_status == FileStatus.READY and second.file_status == FileStatus.FAILED
    assert entry.saved_version() == first
    assert selectors.blind_entry_view(entry)["title"] == "调研"


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_processing_until_the_worker_rebuilds_it(client, settings, tmp_path):
    """With the real database queue: the request stores and enqueues only; the student sees the file
    processing, judges see nothing; after `db_worker` runs, the rebuilt file is what judges get."""
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    w = World(schools=0, judges=1, k=1)
    contest = doc_contest(w)
    services.rubric_set(actor=w.organiser, contest=contest, criteria=[{"name": "内容", "max_points": 100}])
    client.force_login(w.tree.student_a)
    url = reverse("judging:entry_edit", args=[contest.pk])
    response = client.post(
        url, {"title": "调研", "file": SimpleUploadedFile("张小明.docx", hostile_docx()), "pledge": "on"}
    )
    assert response.status_code == 302
    version = EntryVersion.objects.get()
    assert version.file_status == FileStatus.PROCESSING and not version.file
    entry = version.entry
    assert entry.saved_version() is None and selectors.blind_entry_view(entry)["has_file"] is False
    page = client.get(url).content.decode()
    assert "文件处理中" in page and "judging_file_status.js" in page
    status_url = reverse("judging:entry_file_status", args=[contest.pk])
    assert client.get(status_url).json() == {"code": "ok", "status": "processing", "label": "处理中", "message": ""}
    with pytest.raises(services.JudgingError) as caught:  # no second save while the first is processing
        services.entry_save(contest=contest, student=w.tree.student_a, title="再改", pledge_accepted=True)
    assert caught.value.status == 409

    call_command("db_worker", batch=True, no_startup_delay=True, stdout=io.StringIO(), stderr=io.StringIO())
    version.refresh_from_db()
    assert version.file_status == FileStatus.READY and version.file_type == "docx"
    assert entry.saved_version() == version
    assert "文件处理中" not in client.get(url).content.decode()
    assert client.get(status_url).json()["status"] == "ready"

    contest.closes_at = timezone.now()
    contest.save()
    rnd = services.round_create(actor=w.organiser, contest=contest, name="初评", judges_per_entry=1)
    services.round_set_panel(actor=w.organiser, rnd=rnd, judge_ids=[j.pk for j in w.judges])
    services.round_open(actor=w.organiser, rnd=rnd)
    services.round_assign_auto(actor=w.organiser, rnd=rnd)
    assignment = rnd.assignments.get()
    client.force_login(assignment.judge)
    body = b"".join(client.get(reverse("judging:judge_file", args=[assignment.pk])).streaming_content)
    assert leaks(body) == []
    import zipfile

    assert BODY_TEXT in zipfile.ZipFile(io.BytesIO(body)).read("word/document.xml").decode()


@pytest.mark.django_db
def test_entries_still_processing_are_not_put_into_a_judging_round(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    w = World(schools=0, judges=1, k=1)
    contest = doc_contest(w)
    services.rubric_set(actor=w.organiser, contest=contest, criteria=[{"name": "内容", "max_points": 100}])
    services.entry_save(
        contest=contest, student=w.tree.student_a, title="调研", upload=SimpleUploadedFile("a.docx", hostile_docx()),
        pledge_accepted=True,
    )  # fmt: skip
    contest.closes_at = timezone.now()
    contest.save()
    rnd = services.round_create(actor=w.organiser, contest=contest, name="初评", judges_per_entry=1)
    services.round_set_panel(actor=w.organiser, rnd=rnd, judge_ids=[j.pk for j in w.judges])
    with pytest.raises(services.JudgingError, match="没有参评作品"):
        services.round_open(actor=w.organiser, rnd=rnd)


@pytest.mark.django_db
def test_a_processing_upload_blocks_a_save_without_a_file_until_it_is_stale(settings, tmp_path):
    """If the worker died, the student is not locked out: after ten minutes the upload counts as failed."""
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    w = World(schools=0, judges=0)
    contest = doc_contest(w)
    student, start = w.tree.student_a, timezone.now()
    _e, stuck = services.entry_save(
        contest=contest, student=student, title="调研", upload=SimpleUploadedFile("a.docx", hostile_docx()),
        pledge_accepted=True, now=start,
    )  # fmt: skip
    with pytest.raises(services.JudgingError) as caught:
        services.entry_save(contest=contest, student=student, title="改", pledge_accepted=True, now=start)
    assert caught.value.status == 409 and "仍在处理中" in caught.value.message

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    later = start + timedelta(minutes=11)
    _e, fresh = services.entry_save(
        contest=contest, student=student, title="调研", upload=SimpleUploadedFile("b.docx", hostile_docx()),
        pledge_accepted=True, now=later,
    )  # fmt: skip
    stuck.refresh_from_db()
    assert stuck.file_status == FileStatus.FAILED and "超时" in stuck.file_error
    assert fresh.file_status == FileStatus.READY


@pytest.mark.django_db
def test_files_stored_before_the_allow_list_are_rebuilt_by_the_command(settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    w = World(schools=0, judges=0)
    contest = doc_contest(w)
    entry, first = services.entry_save(
        contest=contest, student=w.tree.student_a, title="调研", upload=SimpleUploadedFile("a.docx", hostile_docx()),
        pledge_accepted=True,
    )  # fmt: skip
    # as the deny-list left it: the original bytes, shared by a later version saved without a new file
    first.file.save(f"{contest.pk}/old.docx", ContentFile(hostile_docx()))
    _e, second = services.entry_save(contest=contest, student=w.tree.student_a, title="调研2", pledge_accepted=True)
    assert second.file.name == first.file.name and leaks(second.file.read()) != []

    out = io.StringIO()
    call_command("rebuild_entry_files", "--dry-run", stdout=out)
    assert "重建 1 个" in out.getvalue() and leaks(EntryVersion.objects.get(pk=second.pk).file.read()) != []
    call_command("rebuild_entry_files", stdout=io.StringIO())
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.file.name == second.file.name != f"judging/{contest.pk}/old.docx"
    assert leaks(second.file.read()) == []
    assert first.file_size == second.file.size


def test_server_processes_do_not_load_the_rebuilders():
    """Pages, the API and the request-side checks do not import pikepdf (qpdf); only the worker does."""
    import subprocess
    import sys

    code = (
        "import django, sys; django.setup(); import quizsite.urls, judging.views, judging.services, judging.files;"
        "from judging.files import precheck, CONTENT_TYPES;"
        "print(sorted(m for m in ('pikepdf', 'judging.files.pdf', 'judging.files.docx') if m in sys.modules))"
    )
    env = {**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "quizsite.settings.test"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
