"""The demo bank: at least 60 published questions over the three main topics, every type and band,
each with an explanation, law questions citing their source; seeding twice adds nothing."""

import io
from collections import Counter

import pytest

from accounts.demo import seed_organisations_and_people
from accounts.models import GradeBand
from questionbank import demo
from questionbank.models import Question, QuestionStatus
from questionbank.selectors import published_revisions

from .factories import topic

pytestmark = pytest.mark.django_db


def test_demo_bank_is_published_varied_explained_and_idempotent():
    ctx = seed_organisations_and_people(password="Demo@12345", students=0, reset_passwords=False)
    demo.seed(ctx, io.StringIO())
    published = published_revisions()
    assert published.count() >= 60
    main = {
        "二十大": published_revisions(topic_ids=[topic("党的二十大精神").pk]).count(),
        "法治": published_revisions(topic_ids=[topic("法治教育").pk]).count(),
        "心理": published_revisions(topic_ids=[topic("心理健康").pk]).count(),
    }
    assert min(main.values()) >= 10, main
    assert sum(main.values()) >= 60
    assert set(Counter(r.qtype for r in published)) == {"single", "multiple", "true_false", "fill_blank"}
    for band in GradeBand.values:
        assert published_revisions(grade_band=band).count() >= 10, band
    assert all(r.explanation for r in published)
    law = published_revisions(topic_ids=[topic("法治教育").pk])
    assert all(r.source for r in law), [r.stem for r in law if not r.source]
    assert Question.objects.filter(status=QuestionStatus.PENDING).exists()

    before = Question.objects.count()
    demo.seed(ctx, io.StringIO())
    assert Question.objects.count() == before


@pytest.mark.django_db
def test_seed_demo_restores_the_base_topics_when_they_are_gone():
    """A database emptied after migrating (a flushed test database, a cleaned deployment) still seeds."""
    import io

    from django.core.management import call_command

    from questionbank.models import Topic

    Topic.objects.exclude(parent=None).delete()
    Topic.objects.all().delete()
    call_command("seed_demo", "--students", "2", stdout=io.StringIO())
    assert Topic.objects.filter(name="党的二十大精神", parent=None).exists()
    assert Topic.objects.filter(name="民法典", parent__name="法治教育").exists()
