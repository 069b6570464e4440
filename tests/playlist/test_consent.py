"""Who may speak for an entry's consent, and what is recorded about them."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from playlist.errors import ConsentError
from playlist.models import ConsentAction, ConsentRecord, ConsentRole, VideoConsent
from playlist.selectors import consent_role, consentable_entries
from playlist.services import consent_grant, consent_withdraw
from tests.factories import make_teacher

pytestmark = pytest.mark.django_db


def test_the_entrant_grants_and_the_grant_is_recorded(world):
    t = world.t
    consent_grant(actor=t.student_b, entry=world.no_consent, show_name=True, show_school=False)
    consent = VideoConsent.objects.get(entry=world.no_consent)
    assert consent.granted and consent.show_name and not consent.show_school
    record = ConsentRecord.objects.get(entry=world.no_consent)
    assert (record.action, record.actor, record.actor_role) == (ConsentAction.GRANT, t.student_b, ConsentRole.ENTRANT)


def test_a_teacher_grants_for_the_family_only_saying_how_the_family_agreed(world):
    t = world.t
    assert consent_role(t.teacher_b, world.no_consent) == ConsentRole.TEACHER
    with pytest.raises(ConsentError, match="家长同意的方式"):
        consent_grant(actor=t.teacher_b, entry=world.no_consent, show_name=False, show_school=True)
    consent_grant(
        actor=t.teacher_b, entry=world.no_consent, show_name=False, show_school=True, family_note="家长签字同意书"
    )
    record = ConsentRecord.objects.get(entry=world.no_consent)
    assert record.actor == t.teacher_b and record.actor_role == ConsentRole.TEACHER
    assert record.family_note == "家长签字同意书"


def test_other_teachers_organisers_and_strangers_cannot_grant(world):
    t = world.t
    for user in (t.teacher_a, t.organiser_b, t.city_organiser, t.student_a, t.judge):
        with pytest.raises(PermissionDenied):
            consent_grant(actor=user, entry=world.no_consent, show_name=True, show_school=True)
    assert not VideoConsent.objects.filter(entry=world.no_consent).exists()


def test_a_school_wide_teacher_speaks_for_the_schools_students(world):
    school_teacher = make_teacher(world.t.school_b, username="tea_school_b")
    assert consent_role(school_teacher, world.no_consent) == ConsentRole.TEACHER


def test_unit_staff_speak_for_a_unit_entry(world):
    t = world.t
    entry = world.no_consent
    entry.unit = t.school_b  # a unit entry (issue 18): the school entered as itself
    staff = make_teacher(t.school_b, username="staff_b")
    assert consent_role(staff, entry) == ConsentRole.UNIT_STAFF
    assert consent_role(t.teacher_a, entry) is None
    entry.save(update_fields=["unit"])
    assert entry in consentable_entries(staff)  # the consent page lists the unit's entries to its staff
    assert consent_role(entry.author, entry) is None  # a unit entry is the unit's, not its first submitter's


def test_organiser_records_a_withdrawal_but_never_a_grant(client, world):
    t = world.t
    consent_withdraw(actor=t.city_organiser, entry=world.shown)
    record = ConsentRecord.objects.get(entry=world.shown)
    assert (record.action, record.actor_role) == (ConsentAction.WITHDRAW, ConsentRole.ORGANISER)
    client.force_login(t.city_organiser)
    url = reverse("playlist:consent", args=[world.shown.pk])
    response = client.post(url, {"action": "grant", "show_name": "on"})
    assert response.status_code == 403
    assert not VideoConsent.objects.get(entry=world.shown).granted


def test_an_organiser_of_another_district_cannot_even_withdraw(world):
    with pytest.raises(PermissionDenied):
        consent_withdraw(actor=world.t.organiser_b, entry=world.shown)


def test_consent_page_grant_and_confirmed_withdrawal(client, world):
    t = world.t
    client.force_login(t.student_b)
    url = reverse("playlist:consent", args=[world.no_consent.pk])
    assert "SP-0002" in client.get(reverse("playlist:consent_list")).content.decode()
    response = client.post(url, {"action": "grant", "show_school": "on"})
    assert response.status_code == 302
    assert VideoConsent.objects.get(entry=world.no_consent).show_school
    # withdrawing is irreversible for the playlist: asked first, done only when confirmed
    response = client.post(url, {"action": "withdraw"})
    assert response.status_code == 200 and VideoConsent.objects.get(entry=world.no_consent).granted
    client.post(url, {"action": "withdraw", "confirmed": "1"})
    assert not VideoConsent.objects.get(entry=world.no_consent).granted


def test_someone_elses_entry_page_is_forbidden(client, world):
    client.force_login(world.t.student_a)
    assert client.get(reverse("playlist:consent", args=[world.no_consent.pk])).status_code == 403


def test_a_teacher_lists_their_students_videos_only(client, world):
    client.force_login(world.t.teacher_b)
    html = client.get(reverse("playlist:consent_list")).content.decode()
    assert "SP-0002" in html and "SP-0001" not in html and "SP-0003" not in html
    form = client.get(reverse("playlist:consent", args=[world.no_consent.pk])).content.decode()
    assert 'name="family_note"' in form
