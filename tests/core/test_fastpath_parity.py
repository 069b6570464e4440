"""The same requests through the ninja endpoint and through the fast path get the same status and the
same JSON (an error's code and message, a success's keys and types): answer saves and reading progress.
Votes: test_fastpath_parity_votes.py."""

from datetime import timedelta

from asgiref.sync import sync_to_async
from django.core.asgi import get_asgi_application
from django.utils import timezone

from accounts.tokens import token_issue
from competitions.fastpath import AnswerFastPath
from competitions.models import Attempt
from competitions.services import attempt_start, attempt_submit
from core.fastpath import token_hash
from reading import services as reading_services
from reading.fastpath import ProgressFastPath
from tests.competitions.test_fastpath import setup  # noqa: F401 - the answer path's own fixture
from tests.factories import Tree, make_student
from tests.reading.factories import make_reading

from .fastpath_asgi import POSTGRES_ASGI, assert_same, call, refuse

pytestmark = POSTGRES_ASGI


def _contest_world(setup):  # noqa: F811
    """The answer-path fixture's contest (single choice, fill-blank, true/false) with two more attempts
    of students in the same state and an account that must change its password first."""
    tree, first = setup["tree"], setup["attempt"]
    more = [make_student(tree.class_a, username=f"stu_{c}") for c in "cd"]
    attempts = [first] + [attempt_start(user=s, contest_id=first.contest_id)[0] for s in more]
    tokens = [setup["token"]] + [token_issue(user=s) for s in more]
    forced = make_student(tree.class_a, username="stu_new", must_change_password=True)
    return setup["revs"], setup["other"], attempts, tokens, token_issue(user=forced)


async def test_answer_saves_agree_with_the_endpoint_for_success_and_every_refusal(setup):  # noqa: F811
    revs, other, attempts, tokens, forced = await sync_to_async(_contest_world)(setup)
    ninja, fast = get_asgi_application(), AnswerFastPath(refuse)
    a, token = attempts[0], tokens[0]
    url = f"/api/v1/attempts/{a.pk}/answers"
    cases = [
        ("saved", f"{url}/{revs[0].pk}", {"answer": ["A"]}, token),
        ("saved again (idempotent)", f"{url}/{revs[0].pk}", {"answer": ["A"]}, token),
        ("unauthenticated", f"{url}/{revs[0].pk}", {"answer": ["A"]}, "no-such-token"),
        ("password change first", f"{url}/{revs[0].pk}", {"answer": ["A"]}, forced),
        ("not my attempt", f"{url}/{revs[0].pk}", {"answer": ["A"]}, tokens[1]),
        ("no such attempt", f"/api/v1/attempts/999999/answers/{revs[0].pk}", {"answer": ["A"]}, token),
        ("question not in the paper", f"{url}/{other.pk}", {"answer": ["A"]}, token),
        ("malformed answer", f"{url}/{revs[0].pk}", {"answer": ["A", "B"]}, token),
        ("blank count", f"{url}/{revs[1].pk}", {"answer": ["甲"]}, token),
        ("missing field", f"{url}/{revs[0].pk}", {"reply": ["A"]}, token),
        ("not an object", f"{url}/{revs[0].pk}", [1, 2], token),
        ("not json", f"{url}/{revs[0].pk}", b"{nope", token),
        ("NUL", f"{url}/{revs[0].pk}", b'{"answer": ["\\u0000"]}', token),
    ]
    try:
        for label, path, body, tok in cases:
            assert_same(
                await call(ninja, "PUT", path, body, token=tok), await call(fast, "PUT", path, body, token=tok), label
            )
        # after the deadline: the first save finalises and says so, in both (two attempts, same state)
        past = timezone.now() - timedelta(seconds=1)
        await sync_to_async(
            lambda: Attempt.objects.filter(pk__in=[attempts[1].pk, attempts[2].pk]).update(deadline=past)
        )()
        late = [
            await call(app, "PUT", f"/api/v1/attempts/{at.pk}/answers/{revs[0].pk}", {"answer": ["A"]}, token=t)
            for app, at, t in ((ninja, attempts[1], tokens[1]), (fast, attempts[2], tokens[2]))
        ]
        assert late[0][1]["code"] == "deadline_passed"
        assert_same(*late, "after the deadline")
        # closed (submitted): the same request through both
        await sync_to_async(attempt_submit)(user=a.user, attempt_id=a.pk)
        closed = [
            await call(app, "PUT", f"{url}/{revs[0].pk}", {"answer": ["B"]}, token=token) for app in (ninja, fast)
        ]
        assert closed[0][1]["code"] == "attempt_finished"
        assert_same(*closed, "after submit")
    finally:
        await fast.close()


def _reading_world():
    tree = Tree()
    twin = make_student(tree.class_a, username="twin")
    reading = make_reading(tree.city, minutes=1)
    closed = make_reading(tree.district_b, title="海安篇")
    for student in (tree.student_a, twin):
        reading_services.progress_save(user=student, reading_id=reading.pk, position=0.1, engaged_s=5)
    forced = make_student(tree.class_a, username="stu_new", must_change_password=True)
    return reading, closed, token_issue(user=tree.student_a), token_issue(user=twin), token_issue(user=forced)


async def test_progress_saves_agree_with_the_endpoint_for_success_and_every_refusal():
    reading, closed, token, twin, forced = await sync_to_async(_reading_world)()
    ninja, fast = get_asgi_application(), ProgressFastPath(refuse)
    url = f"/api/v1/readings/{reading.pk}/progress"
    try:
        # success: twins in the same state, one through each
        saved = [
            await call(app, "POST", url, {"position": 0.4, "engaged_s": 5}, token=t)
            for app, t in ((ninja, token), (fast, twin))
        ]
        assert saved[0][1] == saved[1][1]
        cases = [
            ("unauthenticated", url, {"position": 0.5, "engaged_s": 5}, "no-such-token"),
            ("password change first", url, {"position": 0.5, "engaged_s": 5}, forced),
            (
                "not found / not for me",
                f"/api/v1/readings/{closed.pk}/progress",
                {"position": 0.5, "engaged_s": 1},
                token,
            ),
            ("no such reading", "/api/v1/readings/999999/progress", {"position": 0.5, "engaged_s": 1}, token),
            ("position out of range", url, {"position": 2, "engaged_s": 5}, token),
            ("negative time", url, {"position": 0.5, "engaged_s": -1}, token),
            ("missing field", url, {"position": 0.5}, token),
            ("not json", url, b"{nope", token),
        ]
        for label, path, body, tok in cases:
            assert_same(
                await call(ninja, "POST", path, body, token=tok), await call(fast, "POST", path, body, token=tok), label
            )
    finally:
        await fast.close()


def test_the_fast_paths_hash_tokens_as_accounts_stores_them(db):
    from accounts.models import ApiToken

    tree = Tree()
    raw = token_issue(user=tree.student_a)
    assert ApiToken.objects.filter(user=tree.student_a, key_hash=token_hash(raw)).exists()
