"""seed_demo works on a database that lost the migration-seeded topic tree (e.g. after `flush`, as
transactional and browser tests leave it)."""

import io

import pytest
from django.core.management import call_command

from questionbank.models import Question, Topic


@pytest.mark.django_db
def test_seed_demo_recreates_the_standard_topics_it_needs():
    Topic.objects.exclude(parent=None).delete()
    Topic.objects.all().delete()
    call_command("seed_demo", "--students", "2", stdout=io.StringIO())
    assert Topic.objects.filter(name="党的二十大精神", parent=None).exists()
    assert Question.objects.filter(topic__name="党的二十大精神").exists()
