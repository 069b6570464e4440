"""Contest-side factories: published questions built directly (no question-bank services), contests
with rules or fixed papers."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from competitions.models import Contest, ContestKind, ContestStatus, FixedQuestion, PaperMode, PaperRule
from questionbank.models import Question, QuestionRevision, QuestionStatus, QuestionType, Topic

OPTIONS4 = [{"key": k, "text": f"选项{k}"} for k in "ABCD"]


def make_topic(name="安全知识", parent=None) -> Topic:
    return Topic.objects.get_or_create(name=name, parent=parent)[0]


_counter = [0]


def make_question(
    *,
    topic: Topic | None = None,
    qtype: str = QuestionType.SINGLE,
    answer=None,
    options=None,
    difficulty: str = "medium",
    grade_bands=("primary_upper",),
    status: str = QuestionStatus.PUBLISHED,
    explanation: str = "因为这是正确答案。",
) -> QuestionRevision:
    _counter[0] += 1
    topic = topic or make_topic()
    if options is None:
        options = OPTIONS4 if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE) else []
    if answer is None:
        answer = {
            QuestionType.SINGLE: ["A"],
            QuestionType.MULTIPLE: ["A", "C"],
            QuestionType.TRUE_FALSE: True,
            QuestionType.FILL_BLANK: [["南通"]],
        }[qtype]
    content = {
        "qtype": qtype,
        "stem": f"题目{_counter[0]}：请作答",
        "options": options,
        "answer": answer,
        "explanation": explanation,
        "difficulty": difficulty,
        "grade_bands": list(grade_bands),
    }
    question = Question.objects.create(topic=topic, status=status, **content)
    revision = QuestionRevision.objects.create(question=question, number=1, topic=topic, **content)
    question.current_revision = revision
    question.save(update_fields=["current_revision"])
    return revision


def make_contest(
    *,
    owner_org,
    rules=None,
    fixed=None,
    kind=ContestKind.FORMAL,
    opens_at=None,
    closes_at=None,
    publish=True,
    **kw,
) -> Contest:
    """rules: list of (topic, qtype, difficulty, count, points); fixed: list of (revision, points)."""
    now = timezone.now()
    contest = Contest.objects.create(
        title=kw.pop("title", "安全知识竞赛"),
        owner_org=owner_org,
        kind=kind,
        opens_at=opens_at or now - timedelta(hours=1),
        closes_at=closes_at or now + timedelta(hours=2),
        paper_mode=PaperMode.FIXED if fixed is not None else PaperMode.RULES,
        status=ContestStatus.PUBLISHED if publish else ContestStatus.DRAFT,
        **kw,
    )
    for i, (topic, qtype, difficulty, count, points) in enumerate(rules or []):
        PaperRule.objects.create(
            contest=contest,
            topic=topic,
            qtype=qtype,
            difficulty=difficulty,
            count=count,
            points=Decimal(points),
            order=i,
        )
    for i, (revision, points) in enumerate(fixed or []):
        FixedQuestion.objects.create(contest=contest, revision=revision, points=Decimal(points), order=i)
    return contest
