"""Benchmark: what contest secrecy adds to a question-bank page.

    .venv/bin/python bench/secrecy.py [--questions 5000] [--contests 20] [--rules 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qs_bench .venv/bin/python bench/secrecy.py

Builds a bank of N published questions over a few topics and M running formal contests with R rule
each (plus one fixed paper each), then times, in the same process:
(1) baseline: the bank list page's own read — `question_search` for a reviewer, first page of 20;
(2) `reservations(question_ids=<that page>)`, what the list page adds;
(3) `reservations()` over the whole bank, what an export adds.
The database is a throwaway test database, SQLite unless DATABASE_URL is set. Prints medians."""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings.local")


def timed(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=5000)
    parser.add_argument("--contests", type=int, default=20)
    parser.add_argument("--rules", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import Organization, OrgKind, User
    from competitions.models import Contest, ContestKind, ContestStatus, FixedQuestion, PaperRule
    from questionbank.models import Question, QuestionRevision, QuestionStatus, Topic
    from questionbank.secrecy import reservations
    from questionbank.selectors import question_search

    city = Organization.objects.create(name="南通市", kind=OrgKind.CITY)
    reviewer = User.objects.create_superuser("bench_admin")
    topics = [Topic.objects.create(name=f"专题{i}") for i in range(8)]
    qtypes = ["single", "multiple", "true_false", "fill_blank"]
    questions = [
        Question(
            topic=topics[i % len(topics)],
            status=QuestionStatus.PUBLISHED,
            qtype=qtypes[i % 4],
            stem=f"题目{i}",
            answer=["A"],
            grade_bands=["junior", "senior"] if i % 3 else ["primary_upper"],
            fingerprint=f"fp{i}",
        )
        for i in range(args.questions)
    ]
    Question.objects.bulk_create(questions, batch_size=1000)
    revisions = [
        QuestionRevision(
            question=q, number=1, topic=q.topic, qtype=q.qtype, stem=q.stem, answer=q.answer, grade_bands=q.grade_bands
        )
        for q in questions
    ]
    QuestionRevision.objects.bulk_create(revisions, batch_size=1000)
    for q, r in zip(questions, revisions, strict=True):
        q.current_revision = r
    Question.objects.bulk_update(questions, ["current_revision"], batch_size=1000)
    now = timezone.now()
    for c in range(args.contests):
        contest = Contest.objects.create(
            title=f"正式竞赛{c}",
            owner_org=city,
            kind=ContestKind.FORMAL,
            status=ContestStatus.PUBLISHED,
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=1),
            grade_bands=["junior", "senior"],
            paper_mode="rules" if c % 2 else "fixed",
        )
        for r in range(args.rules):
            PaperRule.objects.create(
                contest=contest,
                topic=topics[(c + r) % len(topics)],
                qtype=qtypes[(c + r) % 4],
                count=5,
                points=5,
                order=r,
            )
        FixedQuestion.objects.bulk_create(
            FixedQuestion(contest=contest, revision=revisions[(c * 37 + k) % len(revisions)], points=5, order=k)
            for k in range(20)
        )

    page_ids: list[int] = []

    def baseline():
        page_ids[:] = [q.pk for q in question_search(user=reviewer)[:20]]

    baseline()
    base = timed(baseline, args.repeat)
    page = timed(lambda: reservations(question_ids=page_ids), args.repeat)
    whole = timed(lambda: reservations(), max(3, args.repeat // 3))
    with CaptureQueriesContext(conn) as queries:
        reserved = reservations()
    print(f"backend={conn.vendor} questions={args.questions} contests={args.contests} rules={args.rules}")
    print(f"reserved questions: {len(reserved)}; queries for the whole bank: {len(queries)}")
    print(f"baseline list page read        {base:8.2f} ms")
    print(f"+ reservations(page of 20)     {page:8.2f} ms  ({page / base:.2f}x baseline)")
    print(f"reservations(whole bank)       {whole:8.2f} ms  ({whole / base:.2f}x baseline)")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
