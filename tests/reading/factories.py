"""Reading-side factories: a published reading of the current month with a 4-question quiz."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from accounts.models import Organization, Role
from questionbank.models import QuestionType
from reading.models import Reading, ReadingQuestion, ReadingStatus, WarningPhrase
from tests.competitions.factories import make_question, make_topic
from tests.factories import make_member

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 19, 0, tzinfo=TZ)


def make_quiz(topic_name: str = "心理健康/每月一读/2026-11"):
    topic = make_topic(topic_name)
    return topic, [
        make_question(topic=topic, qtype=QuestionType.SINGLE, answer=["B"]),
        make_question(topic=topic, qtype=QuestionType.TRUE_FALSE, answer=True),
        make_question(topic=topic, qtype=QuestionType.MULTIPLE, answer=["A", "C"]),
        make_question(topic=topic, qtype=QuestionType.FILL_BLANK, answer=[["南通", "南通市"]]),
    ]


def make_reading(
    owner: Organization,
    *,
    month: date = date(2026, 11, 1),
    minutes: int = 5,
    bands=(),
    status=ReadingStatus.PUBLISHED,
    title="红色心灵故事·十一月",
    series=None,
    pass_percent: int = 60,
) -> Reading:
    topic, revisions = make_quiz(f"心理健康/每月一读/{month:%Y-%m}/{title}")
    reading = Reading.objects.create(
        owner_org=owner,
        series=series,
        title=title,
        month=month,
        opens_on=month,
        grade_bands=list(bands),
        body="<p>" + "少年心向党，成长正当时。" * 40 + "</p>",
        reading_minutes=minutes,
        topic=topic,
        pass_percent=pass_percent,
        status=status,
    )
    for i, rev in enumerate(revisions):
        ReadingQuestion.objects.create(reading=reading, revision=rev, order=i)
    return reading


def right_answers(reading: Reading) -> dict:
    """What a student who knows every answer submits (fill-in blanks: the first accepted answer)."""
    out = {}
    for link in reading.questions.select_related("revision"):
        rev = link.revision
        out[str(rev.pk)] = (
            [accepted[0] for accepted in rev.answer] if rev.qtype == QuestionType.FILL_BLANK else rev.answer
        )
    return out


def make_counsellor(school: Organization, **kw):
    return make_member(Role.COUNSELLOR, school, **kw)


def add_phrases():
    for phrase, cat in (("不想活了", "self_harm"), ("没有希望", "hopeless"), ("被欺负", "bullying")):
        WarningPhrase.objects.get_or_create(phrase=phrase, defaults={"category": cat})
