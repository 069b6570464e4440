"""Reflections: sanitised, length-limited, consent recorded; a concerning one reaches only the school's
counsellors, once per window."""

from datetime import timedelta

import pytest

from accounts.models import Role
from accounts.selectors import scope_for
from reading import selectors, services
from reading.errors import NotAllowed, ReflectionInvalid
from reading.models import DistressFlag, FlagState, Reflection
from reading.signals import distress_flagged
from tests.events import capture_events
from tests.factories import ClassFactory, Tree, make_member, make_organiser, make_student, make_teacher

from .factories import NOW, add_phrases, make_counsellor, make_reading

pytestmark = pytest.mark.django_db


def write(user, reading, text, consent=False, at=NOW):
    return services.reflection_save(user=user, reading_id=reading.pk, text=text, share_consent=consent, now=at)


def test_reflection_is_plain_text_and_length_limited(settings):
    settings.READING_REFLECTION_MAX_CHARS = 20
    tree = Tree()
    reading = make_reading(tree.city)
    r, concerning = write(tree.student_a, reading, "<b>我</b>学到了<script>alert(1)</script> a&lt;b")
    assert r.text == "我学到了 a<b" and not concerning
    with pytest.raises(ReflectionInvalid):
        write(tree.student_a, reading, "很" * 21)
    with pytest.raises(ReflectionInvalid):
        write(tree.student_a, reading, "<i></i>  ")
    assert Reflection.objects.get().text == "我学到了 a<b"


def test_consent_is_recorded_and_withdrawing_it_leaves_the_class_selection():
    tree = Tree()
    reading = make_reading(tree.city)
    r, _ = write(tree.student_a, reading, "读后很感动", consent=True)
    assert r.share_consent and r.consent_changed_at == NOW
    services.reflection_feature(actor=tree.teacher_a, reflection_id=r.pk, featured=True)
    assert list(selectors.featured_reflections(reading, tree.class_a)) == [r]
    later = NOW + timedelta(hours=1)
    r, _ = write(tree.student_a, reading, "读后很感动", consent=False, at=later)
    assert not r.featured and r.consent_changed_at == later
    assert list(selectors.featured_reflections(reading, tree.class_a)) == []


def test_only_own_teacher_may_feature_and_only_with_consent():
    tree = Tree()
    reading = make_reading(tree.city)
    r, _ = write(tree.student_a, reading, "读后很感动", consent=False)
    with pytest.raises(ReflectionInvalid):
        services.reflection_feature(actor=tree.teacher_a, reflection_id=r.pk, featured=True)
    write(tree.student_a, reading, "读后很感动", consent=True)
    with pytest.raises(NotAllowed):
        services.reflection_feature(actor=tree.teacher_b, reflection_id=r.pk, featured=True)


def test_concerning_reflection_flags_privately_and_shows_the_help_line(django_capture_on_commit_callbacks):
    add_phrases()
    tree = Tree()
    reading = make_reading(tree.city)
    with capture_events(expected=1) as events, django_capture_on_commit_callbacks(execute=True):
        r, concerning = write(tree.student_a, reading, "最近总是 不想 活了。")
    assert concerning
    assert events[0][0] is distress_flagged
    flag = DistressFlag.objects.get()
    assert (flag.school, flag.class_org, flag.student, flag.state) == (
        tree.school_a,
        tree.class_a,
        tree.student_a,
        FlagState.NEW,
    )
    assert flag.text == "最近总是 不想 活了。" and flag.categories == ["self_harm"]


def test_flags_are_rate_limited_per_student_within_the_window(settings, django_capture_on_commit_callbacks):
    settings.READING_FLAG_WINDOW_HOURS = 24
    add_phrases()
    tree = Tree()
    one = make_reading(tree.city)
    two = make_reading(tree.city, title="第二篇")
    with capture_events(expected=1), django_capture_on_commit_callbacks(execute=True):
        write(tree.student_a, one, "我不想活了")
        write(tree.student_a, one, "我不想活了，被欺负", at=NOW + timedelta(minutes=5))
        write(tree.student_a, two, "没有希望", at=NOW + timedelta(hours=2))
    flag = DistressFlag.objects.get()
    assert flag.matches == 3 and flag.categories == ["bullying", "hopeless", "self_harm"]
    assert flag.text == "没有希望"
    with capture_events(expected=1), django_capture_on_commit_callbacks(execute=True):
        write(tree.student_a, two, "没有希望了", at=NOW + timedelta(hours=25))
    assert DistressFlag.objects.count() == 2


def test_flag_reaches_only_the_students_school_counsellors_and_school_organiser():
    add_phrases()
    tree = Tree()
    reading = make_reading(tree.city)
    counsellor = make_counsellor(tree.school_a)
    school_organiser = make_organiser(tree.school_a)
    write(tree.student_a, reading, "我被欺负了")
    other_counsellor = make_counsellor(tree.school_b)
    same_school_teacher = make_teacher(ClassFactory(parent=tree.school_a, grade=4))
    school_teacher = make_teacher(tree.school_a)
    superuser = make_member(Role.ADMIN, tree.city, is_superuser=True, is_staff=True)
    classmate = make_student(tree.class_a)
    flag = DistressFlag.objects.get()
    assert list(selectors.flags_visible(scope_for(counsellor))) == [flag]
    assert list(selectors.flags_visible(scope_for(school_organiser))) == [flag]
    for outsider in (
        other_counsellor,
        tree.teacher_a,
        same_school_teacher,
        school_teacher,
        tree.organiser_a,
        tree.city_organiser,
        superuser,
        classmate,
        tree.student_a,
    ):
        assert not selectors.flags_visible(scope_for(outsider)).exists(), outsider
        with pytest.raises(NotAllowed):
            services.flag_update(actor=outsider, flag_id=flag.pk, state=FlagState.CLOSED, note="x")


def test_case_moves_through_states_with_notes():
    add_phrases()
    tree = Tree()
    reading = make_reading(tree.city)
    counsellor = make_counsellor(tree.school_a)
    write(tree.student_a, reading, "没有希望")
    flag = DistressFlag.objects.get()
    assert services.flag_open(actor=counsellor, flag_id=flag.pk, now=NOW).state == FlagState.SEEN
    services.flag_update(actor=counsellor, flag_id=flag.pk, state=FlagState.CONTACTED, note="已与家长电话沟通", now=NOW)
    organiser = make_organiser(tree.school_a)
    services.flag_update(actor=organiser, flag_id=flag.pk, state="", note="学校已知悉", now=NOW)
    flag.refresh_from_db()
    assert flag.state == FlagState.CONTACTED
    assert [(n.text, n.state_to) for n in flag.notes.all()] == [("已与家长电话沟通", "contacted"), ("学校已知悉", "")]


def test_teacher_sees_own_students_reflections_without_any_flag_marker():
    add_phrases()
    tree = Tree()
    reading = make_reading(tree.city)
    write(tree.student_a, reading, "读后很感动")
    rows = list(selectors.class_reflections(reading, tree.class_a))
    assert [r.text for r in rows] == ["读后很感动"]
    assert list(selectors.class_reflections(reading, tree.class_b)) == []


def test_phrase_list_is_editable_by_city_organisers_only():
    tree = Tree()
    services.phrase_save(actor=tree.city_organiser, phrase="活着没意思", category="hopeless")
    with pytest.raises(NotAllowed):
        services.phrase_save(actor=tree.organiser_a, phrase="别的", category="hopeless")
    reading = make_reading(tree.city)
    _, concerning = write(tree.student_a, reading, "感觉活着 没意思")
    assert concerning


def test_a_concerning_reflection_stays_out_of_the_class_selection_after_its_flag_moved_on():
    tree = Tree()
    add_phrases()
    make_counsellor(tree.school_a)
    first, second = make_reading(tree.city), make_reading(tree.city, title="第二篇")
    r1, concerning = write(tree.student_a, first, "我觉得没有希望", consent=True)
    assert concerning
    # within the window the rate limit folds the second match into the same flag, which now points at it
    r2, _ = write(tree.student_a, second, "今天又被欺负了", consent=True, at=NOW + timedelta(hours=1))
    flag = DistressFlag.objects.get()
    assert flag.reflection_id == r2.pk and flag.matches == 2
    for r in (r1, r2):
        with pytest.raises(ReflectionInvalid):
            services.reflection_feature(actor=tree.teacher_a, reflection_id=r.pk, featured=True)
    assert not Reflection.objects.filter(featured=True).exists()


def test_a_newly_listed_phrase_takes_a_matching_reflection_out_of_the_class_selection():
    tree = Tree()
    reading = make_reading(tree.city)
    shown, _ = write(tree.student_a, reading, "我有时觉得自己好孤单", consent=True)
    other, _ = write(tree.student_b, reading, "读后很感动", consent=True)
    services.reflection_feature(actor=tree.teacher_a, reflection_id=shown.pk, featured=True)
    services.reflection_feature(actor=tree.teacher_b, reflection_id=other.pk, featured=True)
    services.phrase_save(actor=tree.city_organiser, phrase="好 孤单", category="hopeless")
    assert list(selectors.featured_reflections(reading, tree.class_a)) == []
    assert list(selectors.featured_reflections(reading, tree.class_b)) == [other]
    with pytest.raises(ReflectionInvalid):
        services.reflection_feature(actor=tree.teacher_a, reflection_id=shown.pk, featured=True)
