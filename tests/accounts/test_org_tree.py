import pytest

from accounts.models import GradeBand, grade_band_for
from accounts.selectors import org_district, org_school, scope_for
from tests.factories import Tree

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("grade", "band"),
    [
        (1, GradeBand.PRIMARY_LOWER),
        (3, GradeBand.PRIMARY_LOWER),
        (4, GradeBand.PRIMARY_UPPER),
        (6, GradeBand.PRIMARY_UPPER),
        (7, GradeBand.JUNIOR),
        (9, GradeBand.JUNIOR),
        (10, GradeBand.SENIOR),
        (12, GradeBand.SENIOR),
        (None, None),
    ],
)
def test_grade_band_is_derived_from_grade(grade, band):
    assert grade_band_for(grade) == band


def test_class_knows_its_school_district_and_band():
    tree = Tree()
    assert org_school(tree.class_a) == tree.school_a
    assert org_district(tree.class_a) == tree.district_a
    assert tree.class_a.grade_band == GradeBand.PRIMARY_UPPER
    assert tree.class_a.is_within(tree.city)
    assert not tree.class_a.is_within(tree.district_b)


def test_moving_a_school_rewrites_the_subtree_paths():
    tree = Tree()
    tree.school_a.parent = tree.town_b
    tree.school_a.save()
    tree.class_a.refresh_from_db()
    assert tree.class_a.is_within(tree.district_b)
    assert not tree.class_a.is_within(tree.district_a)


def test_organiser_scope_covers_only_their_district():
    tree = Tree()
    scope = scope_for(tree.organiser_a)
    assert scope.manages(tree.class_a)
    assert not scope.manages(tree.class_b)
    assert set(scope.visible_students()) == {tree.student_a}
    city_scope = scope_for(tree.city_organiser)
    assert set(city_scope.visible_students()) == {tree.student_a, tree.student_b}


def test_teacher_sees_only_their_class_students():
    tree = Tree()
    scope = scope_for(tree.teacher_a)
    assert set(scope.visible_students()) == {tree.student_a}
    assert list(scope.importable_schools()) == [tree.school_a]
