"""Draft → pending → published → retired, who may do what, and revisions that keep old papers exact."""

import pytest

from accounts.models import Role
from questionbank.errors import TopicInvalid
from questionbank.models import Question, QuestionRevision, QuestionStatus, ReviewLog
from questionbank.selectors import published_revisions
from questionbank.services import (
    DuplicateQuestion,
    QuestionActionDenied,
    question_approve,
    question_retire,
    question_return,
    question_submit,
    question_update,
    topic_create,
)
from tests.factories import Tree

from .factories import content, make_question, make_reviewer, topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return Tree()


@pytest.fixture
def reviewer(tree):
    return make_reviewer(tree.school_a, username="rev")


def test_teacher_draft_becomes_published_only_after_a_reviewer_approves(tree, reviewer):
    q = make_question(tree.teacher_a)
    assert q.status == QuestionStatus.DRAFT and q.current_revision is None
    question_submit(actor=tree.teacher_a, question=q)
    assert not published_revisions().exists()
    question_approve(actor=reviewer, question=q, comment="很好")
    q.refresh_from_db()
    assert q.status == QuestionStatus.PUBLISHED
    assert list(published_revisions()) == [q.current_revision]
    assert q.current_revision.number == 1 and q.current_revision.answer == ["A"]


def test_teacher_without_review_permission_cannot_approve_or_retire(tree, reviewer):
    q = make_question(tree.teacher_a, status="pending")
    with pytest.raises(QuestionActionDenied):
        question_approve(actor=tree.teacher_b, question=q)
    with pytest.raises(QuestionActionDenied):
        question_approve(actor=tree.teacher_a, question=q)  # not even the author
    assert Question.objects.get(pk=q.pk).status == QuestionStatus.PENDING


def test_organiser_with_review_permission_may_review(tree):
    org_reviewer = make_reviewer(tree.district_a, role=Role.ORGANISER, username="orgrev")
    q = make_question(tree.teacher_a, status="published", reviewer=org_reviewer)
    assert q.status == QuestionStatus.PUBLISHED


def test_return_requires_a_comment_and_sends_question_back_to_draft(tree, reviewer):
    q = make_question(tree.teacher_a, status="pending")
    with pytest.raises(QuestionActionDenied, match="审核意见"):
        question_return(actor=reviewer, question=q, comment=" ")
    question_return(actor=reviewer, question=q, comment="选项C表述不准确")
    q.refresh_from_db()
    assert q.status == QuestionStatus.DRAFT and q.review_comment == "选项C表述不准确"
    assert ReviewLog.objects.filter(question=q, action="return", comment="选项C表述不准确").exists()


def test_another_teacher_cannot_submit_or_edit_someone_elses_draft(tree):
    q = make_question(tree.teacher_a)
    with pytest.raises(QuestionActionDenied):
        question_submit(actor=tree.teacher_b, question=q)
    with pytest.raises(QuestionActionDenied):
        question_update(actor=tree.teacher_b, question=q, topic=q.topic, content=content(stem="改了"))


def test_editing_a_published_question_creates_a_new_revision_and_keeps_the_old_one(tree, reviewer):
    q = make_question(tree.teacher_a, status="published", reviewer=reviewer)
    first = q.current_revision
    with pytest.raises(QuestionActionDenied):
        question_update(actor=tree.teacher_a, question=q, topic=q.topic, content=content(answer="B"))
    question_update(actor=reviewer, question=q, topic=q.topic, content=content(answer="B"))
    q.refresh_from_db()
    assert q.current_revision.number == 2 and q.current_revision.answer == ["B"]
    first.refresh_from_db()
    assert first.answer == ["A"]  # what students saw before is untouched
    assert list(published_revisions()) == [q.current_revision]


def test_saving_unchanged_content_creates_no_revision(tree, reviewer):
    q = make_question(tree.teacher_a, status="published", reviewer=reviewer)
    question_update(actor=reviewer, question=q, topic=q.topic, content=content())
    assert QuestionRevision.objects.filter(question=q).count() == 1


def test_retired_questions_are_never_drawn_but_their_revisions_remain(tree, reviewer):
    q = make_question(tree.teacher_a, status="published", reviewer=reviewer)
    question_retire(actor=reviewer, question=q)
    assert not published_revisions().exists()
    assert QuestionRevision.objects.filter(question=q).exists()
    with pytest.raises(QuestionActionDenied):
        question_update(actor=reviewer, question=q, topic=q.topic, content=content(stem="新"))


def test_duplicate_stem_and_options_within_a_topic_is_refused_on_save(tree):
    make_question(tree.teacher_a)
    with pytest.raises(DuplicateQuestion, match="编号"):
        make_question(tree.teacher_b, stem="  我国的根本大法是（ ）。 ".replace("（ ）", "（  ）"))
    # same text in another topic is allowed
    make_question(tree.teacher_b, topic_path="党的二十大精神")


def test_duplicate_detection_ignores_full_width_and_spacing(tree):
    make_question(tree.teacher_a, stem="Ａ  是 B", options=["甲", "乙"])
    with pytest.raises(DuplicateQuestion):
        make_question(tree.teacher_b, stem="A 是 b", options=["甲 ", "乙"])


def test_published_revisions_filters_by_topic_subtree_type_difficulty_and_band(tree, reviewer):
    law = make_question(tree.teacher_a, status="published", reviewer=reviewer, grade_bands=["junior"])
    mind = make_question(
        tree.teacher_a, status="published", reviewer=reviewer, topic_path="心理健康", qtype="true_false",
        options=[], answer="对", stem="情绪没有好坏之分。", difficulty="medium", grade_bands=["senior"],
    )  # fmt: skip
    make_question(tree.teacher_a, stem="草稿不应出现")
    assert set(published_revisions()) == {law.current_revision, mind.current_revision}
    assert list(published_revisions(topic_ids=[topic("法治教育").pk])) == [law.current_revision]
    assert list(published_revisions(qtype="true_false")) == [mind.current_revision]
    assert list(published_revisions(difficulty="easy")) == [law.current_revision]
    assert list(published_revisions(grade_band="senior")) == [mind.current_revision]
    assert not published_revisions(grade_band="primary_lower").exists()


def test_only_organisers_add_topics(tree):
    with pytest.raises(QuestionActionDenied):
        topic_create(actor=tree.teacher_a, name="网络安全")
    new = topic_create(actor=tree.organiser_a, name="网络安全", parent=topic("禁毒与安全"))
    assert new.parent.name == "禁毒与安全"
    with pytest.raises(TopicInvalid, match="已存在"):
        topic_create(actor=tree.organiser_a, name="网络安全", parent=topic("禁毒与安全"))
