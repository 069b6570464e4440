"""Contest secrecy: a published formal contest reserves the questions its paper can draw until it
closes (for good when it never publishes answers). Each door that could hand out a key is walked:
question pages, JSON/xlsx exports, the admin, practice papers (save, publish, draw) and attempt reviews."""

import io
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from competitions import services
from competitions.errors import PaperUnsatisfiable, QuestionsReserved
from competitions.models import Contest, ContestKind, ContestStatus, ReviewPolicy, ScorePolicy
from questionbank.models import QuestionType
from questionbank.secrecy import WITHHELD_MARK, hidden_keys, reservations
from questionbank.services.importing import import_check
from tests.factories import make_student, make_teacher
from tests.questionbank.factories import make_reviewer

from .factories import make_contest, make_question

SECRET_EXPLANATION = "正式竞赛的独家解析"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def secret(tree, topic):
    """A running city formal contest over three fill-blank questions (keys 长江), plus one free question."""
    revisions = [
        make_question(topic=topic, qtype=QuestionType.FILL_BLANK, answer=[["长江"]], explanation=SECRET_EXPLANATION)
        for _ in range(3)
    ]
    free = make_question(topic=topic, qtype=QuestionType.TRUE_FALSE, answer=True, explanation="公开解析")
    contest = make_contest(
        owner_org=tree.city, title="市级正式竞赛", fixed=[(r, "10") for r in revisions], review_policy="after_close"
    )
    return contest, revisions, free


def export_json(user) -> dict:
    response = login(user).get("/questions/export.json")
    assert response.status_code == 200
    return {q["id"]: q for q in json.loads(response.content)["questions"]}


def test_teacher_export_json_during_running_formal_contest_omits_its_keys(tree, secret):
    contest, revisions, free = secret
    exported = export_json(tree.teacher_a)
    body = json.dumps(exported, ensure_ascii=False)
    assert "长江" not in body and SECRET_EXPLANATION not in body
    for revision in revisions:
        row = exported[revision.question_id]
        assert row["answer"] == WITHHELD_MARK and row["explanation"] == "" and row["key_withheld"] is True
        assert row["reserved_until"] == contest.closes_at.isoformat()
    assert exported[free.question_id]["answer"] is True and exported[free.question_id]["explanation"] == "公开解析"


def test_teacher_export_xlsx_during_running_formal_contest_omits_its_keys(tree, secret):
    _contest, revisions, _free = secret
    response = login(tree.teacher_a).get("/questions/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["题目"]
    values = [str(c.value or "") for row in sheet.iter_rows() for c in row]
    assert not any("长江" in v or SECRET_EXPLANATION in v for v in values)
    assert values.count(WITHHELD_MARK) == len(revisions)


@pytest.mark.parametrize("who", ["reviewer", "city_organiser"])
def test_reviewers_and_owning_organisers_still_export_the_keys(tree, secret, who):
    _contest, revisions, _free = secret
    user = make_reviewer(tree.school_a) if who == "reviewer" else tree.city_organiser
    exported = export_json(user)
    assert all(exported[r.question_id]["answer"] == [["长江"]] for r in revisions)


def test_organiser_of_another_region_does_not_see_keys_of_a_city_contest(tree, secret):
    _contest, revisions, _free = secret
    assert {r.question_id for r in revisions} <= set(hidden_keys(tree.organiser_a))
    exported = export_json(tree.organiser_a)
    assert all(exported[r.question_id]["answer"] == WITHHELD_MARK for r in revisions)


def test_keys_return_when_the_contest_closes_unless_it_never_publishes_answers(tree, secret):
    contest, revisions, _free = secret
    qid = revisions[0].question_id
    after = contest.closes_at + timedelta(seconds=1)
    assert qid in reservations(now=contest.closes_at - timedelta(seconds=1))
    assert qid not in reservations(now=after)
    Contest.objects.filter(pk=contest.pk).update(review_policy=ReviewPolicy.NEVER)
    assert reservations(now=after)[qid][0].until is None


def test_draft_and_practice_contests_reserve_nothing(tree, topic):
    revision = make_question(topic=topic)
    make_contest(owner_org=tree.city, fixed=[(revision, "5")], publish=False)
    make_contest(owner_org=tree.city, fixed=[(revision, "5")], kind=ContestKind.PRACTICE)
    assert reservations() == {}


def test_rule_pool_of_a_formal_contest_is_reserved(tree, topic):
    drawn = [make_question(topic=topic, qtype=QuestionType.SINGLE) for _ in range(3)]
    other_type = make_question(topic=topic, qtype=QuestionType.TRUE_FALSE)
    make_contest(owner_org=tree.city, rules=[(topic, QuestionType.SINGLE, "", 2, "5")])
    assert set(reservations()) == {r.question_id for r in drawn}
    assert other_type.question_id not in reservations()


def test_question_page_hides_key_from_teacher_and_says_until_when(tree, secret):
    contest, revisions, _free = secret
    page = login(tree.teacher_a).get(f"/questions/{revisions[0].question_id}/").content.decode()
    assert "长江" not in page and SECRET_EXPLANATION not in page
    assert "保密至 " + timezone.localtime(contest.closes_at).strftime("%Y-%m-%d %H:%M") in page
    owner_page = login(tree.city_organiser).get(f"/questions/{revisions[0].question_id}/").content.decode()
    assert "长江" in owner_page and SECRET_EXPLANATION in owner_page


def test_bank_list_shows_which_questions_are_reserved_and_until_when(tree, secret):
    contest, revisions, free = secret
    page = login(tree.teacher_a).get("/questions/").content.decode()
    label = "保密至 " + timezone.localtime(contest.closes_at).strftime("%Y-%m-%d %H:%M")
    assert page.count(label) == len(revisions)


def test_admin_change_page_omits_reserved_key_for_staff_without_rights(tree, secret, django_user_model):
    _contest, revisions, _free = secret
    from django.contrib.auth.models import Permission

    staff = make_teacher(tree.school_a, is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_question"))
    page = login(staff).get(f"/admin/questionbank/question/{revisions[0].question_id}/change/")
    assert page.status_code == 200
    assert SECRET_EXPLANATION not in page.content.decode()


def test_export_then_reimport_is_lossless_for_a_teacher(tree, secret):
    body = login(tree.teacher_a).get("/questions/export.json").content
    report = import_check(data=body, fmt="json", actor=tree.teacher_a)
    assert [r.status for r in report.rows] == ["unchanged"] * 4, report.error_lines()
    xlsx = login(tree.teacher_a).get("/questions/export.xlsx").content
    report = import_check(data=xlsx, fmt="xlsx", actor=tree.teacher_a)
    assert [r.status for r in report.rows] == ["unchanged"] * 4, report.error_lines()


def _practice(tree, **kw) -> Contest:
    return make_contest(
        owner_org=tree.district_a,
        kind=ContestKind.PRACTICE,
        title="如东县练习",
        score_policy=ScorePolicy.IMMEDIATELY,
        review_policy=ReviewPolicy.IMMEDIATELY,
        grade_bands=["primary_upper"],
        publish=False,
        **kw,
    )


def test_practice_with_immediate_review_cannot_publish_reserved_fixed_questions(tree, secret):
    contest, revisions, free = secret
    practice = _practice(tree, fixed=[(revisions[0], "10"), (free, "10")])
    with pytest.raises(QuestionsReserved) as refused:
        services.contest_publish(actor=tree.organiser_a, contest=practice)
    assert f"第 {revisions[0].question_id} 题" in refused.value.message and "《市级正式竞赛》" in refused.value.message
    practice.refresh_from_db()
    assert practice.status == ContestStatus.DRAFT


def test_practice_save_through_the_form_names_the_overlap(tree, secret):
    _contest, revisions, _free = secret
    now = timezone.localtime()
    data = {
        "title": "如东县练习场",
        "kind": "practice",
        "owner_org": tree.district_a.pk,
        "grade_bands": ["primary_upper"],
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "time_limit_min": 20,
        "attempts_allowed": 0,
        "counting": "best",
        "score_policy": "immediately",
        "review_policy": "immediately",
        "paper_mode": "fixed",
        "excellence_percent": 85,
        "freeze_minutes": 0,
        "fixed_question_ids": str(revisions[1].question_id),
        "fixed_points": "5",
        "rules-TOTAL_FORMS": "0",
        "rules-INITIAL_FORMS": "0",
    }
    response = login(tree.organiser_a).post("/contests/new/", data)
    assert response.status_code == 200
    assert "《市级正式竞赛》" in response.content.decode()
    assert not Contest.objects.filter(title="如东县练习场").exists()


def test_practice_opening_after_the_reservation_ends_may_use_the_questions(tree, secret):
    contest, revisions, _free = secret
    practice = _practice(
        tree,
        fixed=[(revisions[0], "10")],
        opens_at=contest.closes_at + timedelta(minutes=1),
        closes_at=contest.closes_at + timedelta(days=1),
    )
    services.contest_publish(actor=tree.organiser_a, contest=practice)
    assert practice.status == ContestStatus.PUBLISHED


def test_practice_rules_never_draw_reserved_questions(tree, topic):
    reserved = [make_question(topic=topic, qtype=QuestionType.SINGLE) for _ in range(3)]
    make_contest(owner_org=tree.city, title="市级正式竞赛", fixed=[(r, "5") for r in reserved])
    free = [make_question(topic=topic, qtype=QuestionType.SINGLE) for _ in range(2)]
    practice = _practice(tree, rules=[(topic, QuestionType.SINGLE, "", 2, "10")])
    services.contest_publish(actor=tree.organiser_a, contest=practice)
    for _ in range(5):
        attempt, _created = services.attempt_start(user=make_student(tree.class_a), contest_id=practice.pk)
        assert {i.revision_id for i in attempt.items.all()} == {r.pk for r in free}


def test_practice_rule_short_because_of_reservation_is_refused_naming_the_contest(tree, topic):
    reserved = [make_question(topic=topic, qtype=QuestionType.SINGLE) for _ in range(3)]
    make_contest(owner_org=tree.city, title="市级正式竞赛", fixed=[(r, "5") for r in reserved])
    practice = _practice(tree, rules=[(topic, QuestionType.SINGLE, "", 2, "10")])
    with pytest.raises(PaperUnsatisfiable) as refused:
        services.contest_publish(actor=tree.organiser_a, contest=practice)
    assert "3 道被正式竞赛《市级正式竞赛》保密使用" in refused.value.message


def test_practice_review_withholds_keys_a_later_formal_contest_reserves(tree, topic):
    """A practice attempt drawn before the formal contest was published: its immediate review must
    not hand out the keys once the formal contest holds them."""
    from competitions.selectors import attempt_payload

    revision = make_question(topic=topic, qtype=QuestionType.FILL_BLANK, answer=[["长江"]])
    practice = _practice(tree, fixed=[(revision, "10")])
    services.contest_publish(actor=tree.organiser_a, contest=practice)
    attempt, _ = services.attempt_start(user=tree.student_a, contest_id=practice.pk)
    attempt = services.attempt_submit(user=tree.student_a, attempt_id=attempt.pk)
    assert attempt_payload(attempt)["review"][0]["correct_answer"] == [["长江"]]
    make_contest(owner_org=tree.city, title="市级正式竞赛", fixed=[(revision, "10")])
    review = attempt_payload(attempt)["review"][0]
    assert review["correct_answer"] is None and review["explanation"] == "" and review["key_withheld"] is True
    api = login(tree.student_a).get(f"/api/v1/attempts/{attempt.pk}").content.decode()
    assert "长江" not in api
    page = login(tree.student_a).get(f"/contests/attempts/{attempt.pk}/result/").content.decode()
    assert "长江" not in page and "暂时保密" in page


def test_formal_contest_own_review_is_not_withheld_by_its_own_reservation(tree, secret):
    contest, revisions, _free = secret
    from competitions.selectors import attempt_payload

    Contest.objects.filter(pk=contest.pk).update(review_policy=ReviewPolicy.IMMEDIATELY)
    attempt, _ = services.attempt_start(user=tree.student_a, contest_id=contest.pk)
    attempt = services.attempt_submit(user=tree.student_a, attempt_id=attempt.pk)
    assert all(r["correct_answer"] == [["长江"]] for r in attempt_payload(attempt)["review"])


def test_reservations_read_a_fixed_number_of_queries_however_many_contests(tree, topic, django_assert_num_queries):
    for i in range(6):
        make_question(topic=topic, qtype=QuestionType.SINGLE)
        make_contest(owner_org=tree.city, title=f"竞赛{i}", rules=[(topic, QuestionType.SINGLE, "", 1, "5")])
        make_contest(owner_org=tree.city, title=f"固定{i}", fixed=[(make_question(topic=topic), "5")])
    with django_assert_num_queries(6):  # 5 for contests, 1 for stage finals (stage.secrecy)
        found = reservations()
    assert len(found) == 12
