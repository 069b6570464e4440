"""The contest-day hot paths (start, paper page, resync) read a fixed number of queries however big the
bank and the paper, and their faster reads give exactly what the model-based reads gave."""

import random
import re

import pytest
from django.test import Client

from competitions.models import Attempt, AttemptState
from competitions.paper import CHOICE_TYPES, paper_draw, rule_pool
from competitions.selectors import attempt_items, attempt_payload
from competitions.services import answer_save, attempt_start
from questionbank.models import QuestionType

from .factories import make_contest, make_question, make_topic

pytestmark = pytest.mark.django_db

# session, user, contest+owner, membership, audience, attempts, rules, topic tree, pool, picks,
# then the insert of the attempt and its items (with the savepoint pair)
START_QUERIES = 14
PAGE_QUERIES = 9  # session, user, attempt+contest, items, page token (2), roles, session save (+savepoint)
RESYNC_QUERIES = 5  # session, user, token, attempt+contest, items


def _bank(topic, child, per_type: int):
    for t in (topic, child):
        for _ in range(per_type):
            make_question(topic=t, qtype=QuestionType.SINGLE, difficulty="easy")
            make_question(topic=t, qtype=QuestionType.MULTIPLE, difficulty="easy")
            make_question(topic=t, qtype=QuestionType.TRUE_FALSE, difficulty="hard")
            make_question(topic=t, qtype=QuestionType.FILL_BLANK, answer=[["南通"], ["如皋", "如东"]])


@pytest.fixture
def child(topic):
    return make_topic(name="交通安全", parent=topic)


def _rules_contest(tree, topic, child):
    rules = [
        (child, QuestionType.SINGLE, "", 2, "3"),
        (topic, QuestionType.SINGLE, "easy", 3, "2"),  # its pool holds the first rule's (child is under topic)
        (topic, QuestionType.MULTIPLE, "", 2, "4"),
        (topic, QuestionType.TRUE_FALSE, "hard", 2, "1"),
        (topic, QuestionType.FILL_BLANK, "", 2, "5"),
    ]
    return make_contest(owner_org=tree.city, rules=rules)


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("per_type", [3, 12])
def test_start_page_and_resync_read_a_fixed_number_of_queries(
    tree, topic, child, per_type, django_assert_max_num_queries
):
    _bank(topic, child, per_type)
    contest = _rules_contest(tree, topic, child)
    client = _login(tree.student_a)
    with django_assert_max_num_queries(START_QUERIES):
        started = client.post(f"/contests/{contest.pk}/start/")
    attempt = Attempt.objects.get(contest=contest, user=tree.student_a)
    assert started.url == f"/contests/attempts/{attempt.pk}/" and attempt.items.count() == 11
    with django_assert_max_num_queries(PAGE_QUERIES):
        page = client.get(started.url)
    assert page.status_code == 200 and page.content.decode().count('class="card question"') == 11
    token = re.search(r'data-token="([^"]+)"', page.content.decode()).group(1)
    with django_assert_max_num_queries(RESYNC_QUERIES):
        resync = client.get(f"/api/v1/attempts/{attempt.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert resync.status_code == 200 and len(resync.json()["questions"]) == 11


def _reference_draw(contest, grade_band, seed):
    """The draw as it was before the id-only pools: full revisions per rule (rule_pool), same rng calls."""
    rng = random.Random(seed)
    used, picks = set(), []
    for rule in contest.rules.all():
        pool = [r for r in rule_pool(rule, grade_band) if r.question_id not in used]
        for revision in rng.sample(pool, rule.count):
            used.add(revision.question_id)
            picks.append((revision, rule.points))
    if contest.shuffle_questions:
        rng.shuffle(picks)
    paper = []
    for revision, points in picks:
        order = [o["key"] for o in revision.options or []]
        if contest.shuffle_options and revision.qtype in CHOICE_TYPES:
            rng.shuffle(order)
        paper.append((revision.pk, points, order))
    return paper


def test_a_stored_seed_draws_the_same_paper_as_the_full_revision_draw(tree, topic, child):
    _bank(topic, child, 5)
    make_question(topic=topic, qtype=QuestionType.SINGLE, difficulty="easy", grade_bands=["senior"])
    contest = _rules_contest(tree, topic, child)
    for seed in range(25):
        drawn = [(s.revision.pk, s.points, s.option_order) for s in paper_draw(contest=contest, grade_band="primary_upper", seed=seed)]  # fmt: skip
        assert drawn == _reference_draw(contest, "primary_upper", seed)
    assert len({tuple(p for p, _pts, _o in _reference_draw(contest, "primary_upper", s)) for s in range(25)}) > 1


def test_the_active_paper_read_gives_what_the_item_models_give(tree, topic, child):
    _bank(topic, child, 3)
    contest = _rules_contest(tree, topic, child)
    attempt, _created = attempt_start(user=tree.student_a, contest_id=contest.pk)
    saved = {QuestionType.SINGLE: ["B"], QuestionType.MULTIPLE: ["A", "D"], QuestionType.TRUE_FALSE: False,
             QuestionType.FILL_BLANK: ["南通", ""]}  # fmt: skip
    for item in attempt.items.select_related("revision")[:6]:
        answer_save(user=tree.student_a, attempt_id=attempt.pk, question_id=item.revision_id, answer=saved[item.revision.qtype])  # fmt: skip
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.ACTIVE
    fast = attempt_payload(attempt)
    assert fast == attempt_payload(attempt, items=attempt_items(attempt))
    assert len(fast["answers"]) == 6 and {q["blanks"] for q in fast["questions"]} >= {0, 2}
    assert "answer" not in str(fast["questions"]) and "南通" not in str(fast["questions"])


# session, user, contest+owner, audience, memberships, the student's attempts
CONTEST_PAGE_QUERIES = 6


def test_contest_page_reads_memberships_audience_and_attempts_once(tree, topic, child, django_assert_max_num_queries):
    _bank(topic, child, 3)
    contest = _rules_contest(tree, topic, child)
    contest.attempts_allowed = 2
    contest.save(update_fields=["attempts_allowed"])
    client = _login(tree.student_a)
    client.post(f"/contests/{contest.pk}/start/")
    with django_assert_max_num_queries(CONTEST_PAGE_QUERIES):
        page = client.get(f"/contests/{contest.pk}/")
    assert page.status_code == 200 and page.context["attempts_left"] == 1 and page.context["active"] is not None
    assert page.context["eligible_reason"] is None
