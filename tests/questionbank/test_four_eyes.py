"""Four eyes: by default nobody approves a question they wrote; an organisation may allow it for its subtree.
Authors submit many drafts at once."""

import pytest
from django.urls import reverse

from questionbank.models import Question, QuestionStatus, ReviewPolicy
from questionbank.services import SelfReviewRefused, question_approve, question_create, question_submit
from tests.factories import Tree

from .factories import content, make_question, make_reviewer, topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


def own_pending_question(reviewer):
    stem = f"{reviewer.username} 出的题：我国的根本大法是（  ）。"
    question = question_create(author=reviewer, topic=topic("法治教育/宪法"), content=content(stem=stem))
    return question_submit(actor=reviewer, question=question)


def test_reviewer_cannot_approve_their_own_question_by_default(tree):
    reviewer = make_reviewer(tree.school_a)
    question = own_pending_question(reviewer)
    with pytest.raises(SelfReviewRefused):
        question_approve(actor=reviewer, question=question)
    question.refresh_from_db()
    assert question.status == QuestionStatus.PENDING and question.current_revision is None
    other = make_reviewer(tree.school_a)
    question_approve(actor=other, question=question)
    assert Question.objects.get(pk=question.pk).status == QuestionStatus.PUBLISHED


def test_policy_of_an_ancestor_organisation_allows_self_review_below_it(tree):
    reviewer = make_reviewer(tree.school_a)
    elsewhere = make_reviewer(tree.school_b)
    ReviewPolicy.objects.create(org=tree.district_a, allow_self_review=True)
    question_approve(actor=reviewer, question=own_pending_question(reviewer))
    with pytest.raises(SelfReviewRefused):  # 海安市 has no such policy
        question_approve(actor=elsewhere, question=own_pending_question(elsewhere))


def test_a_nearer_policy_overrides_a_farther_one(tree):
    reviewer = make_reviewer(tree.school_a)
    ReviewPolicy.objects.create(org=tree.city, allow_self_review=True)
    ReviewPolicy.objects.create(org=tree.school_a, allow_self_review=False)
    with pytest.raises(SelfReviewRefused):
        question_approve(actor=reviewer, question=own_pending_question(reviewer))


def test_detail_page_hides_approve_for_the_author_and_refuses_the_post(client, tree):
    reviewer = make_reviewer(tree.school_a)
    question = own_pending_question(reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("questionbank:detail", args=[question.pk])).content.decode()
    assert "通过并发布" not in page and "四眼原则" in page
    response = client.post(reverse("questionbank:action", args=[question.pk, "approve"]), follow=True)
    assert "不能审核自己出的题" in response.content.decode()
    assert Question.objects.get(pk=question.pk).status == QuestionStatus.PENDING


def test_author_submits_several_drafts_at_once_and_only_their_own(client, tree):
    mine = [make_question(tree.teacher_a, stem=f"我国的根本大法是第{i}个（  ）。") for i in range(3)]
    theirs = make_question(tree.teacher_b, stem="别人的草稿（  ）。")
    client.force_login(tree.teacher_a)
    page = client.get(reverse("questionbank:list")).content.decode()
    assert f'name="q" value="{mine[0].pk}"' in page
    response = client.post(
        reverse("questionbank:submit_many"), {"q": [q.pk for q in mine[:2]] + [theirs.pk]}, follow=True
    )
    assert "已提交审核 2 道题" in response.content.decode()
    statuses = {q.pk: Question.objects.get(pk=q.pk).status for q in [*mine, theirs]}
    assert [statuses[q.pk] for q in mine] == ["pending", "pending", "draft"]
    assert statuses[theirs.pk] == "draft"
