"""Reflections (心得), consent to share, the class selection, and the private distress path."""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import datetime, timedelta

import nh3
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, OrgKind, Role, User
from accounts.selectors import Scope, org_school, scope_for
from core.events import send_on_commit

from .. import conf, errors, selectors
from ..models import CaseNote, DistressFlag, FlagState, PhraseCategory, Reflection, WarningPhrase
from ..signals import distress_flagged
from .escalation import initial_level

_IGNORED = re.compile(r"[\s\W_]+", re.UNICODE)


def reflection_clean(text: str) -> str:
    """Plain text only: tags (and script/style content) removed by nh3, entities decoded, trimmed."""
    cleaned = html.unescape(nh3.clean(text or "", tags=set(), strip_comments=True)).strip()
    return cleaned.replace("\r\n", "\n")


def normalise_for_matching(text: str) -> str:
    """Full-width → half-width, case-folded, without spaces or punctuation, so 「不想 活了」 matches 不想活了."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text).casefold())


def matching_categories(text: str) -> list[str]:
    haystack = normalise_for_matching(text)
    found = set()
    for phrase, category in WarningPhrase.objects.filter(active=True).values_list("phrase", "category"):
        needle = normalise_for_matching(phrase)
        if needle and needle in haystack:
            found.add(category)
    return sorted(found)


def reflection_save(
    *, user: User, reading_id: int, text: str, share_consent: bool, now: datetime | None = None
) -> tuple[Reflection, bool]:
    """Save the student's reflection (one per reading, editable). Returns (reflection, concerning): when
    it matches a warning phrase the student is shown the help line and the school's counsellors get a
    private flag (at most one per student per window; later matches fold into it)."""
    now = now or timezone.now()
    reading, klass = selectors.reading_for_student(user=user, reading_id=reading_id, now=now)
    clean = reflection_clean(text)
    limit = conf.get("READING_REFLECTION_MAX_CHARS")
    if not clean:
        raise errors.ReflectionInvalid(_("心得不能为空。"))
    if len(clean) > limit:
        raise errors.ReflectionInvalid(_("心得最多 %(n)d 字。") % {"n": limit})
    categories = matching_categories(clean)
    with transaction.atomic():
        reflection = Reflection.objects.select_for_update().filter(reading=reading, user=user).first()
        if reflection is None:
            reflection = Reflection(reading=reading, user=user, created_at=now)
        consent_changed = reflection.pk is None or reflection.share_consent != share_consent
        reflection.class_org, reflection.text, reflection.updated_at = klass, clean, now
        reflection.share_consent = bool(share_consent)
        if consent_changed:
            reflection.consent_changed_at = now
        if not reflection.share_consent or categories:
            reflection.featured = False  # withdrawn consent, or a concerning text, leaves the class selection
        reflection.save()
        if categories:
            _flag(reflection=reflection, klass=klass, categories=categories, now=now)
    return reflection, bool(categories)


def _flag(*, reflection: Reflection, klass: Organization, categories: list[str], now: datetime) -> DistressFlag:
    """Caller holds the reflection row lock, so two saves by one student cannot both open a flag."""
    school = org_school(klass)
    window = now - timedelta(hours=conf.get("READING_FLAG_WINDOW_HOURS"))
    recent = (
        DistressFlag.objects.select_for_update()
        .filter(student=reflection.user, created_at__gte=window)
        .exclude(state=FlagState.CLOSED)
        .order_by("-created_at")
        .first()
    )
    if recent is not None:
        recent.matches += 1
        recent.text, recent.reflection, recent.updated_at = reflection.text, reflection, now
        recent.categories = sorted(set(recent.categories) | set(categories))
        recent.save(update_fields=["matches", "text", "reflection", "updated_at", "categories"])
        return recent
    flag = DistressFlag.objects.create(
        student=reflection.user,
        school=school,
        class_org=klass,
        reflection=reflection,
        text=reflection.text,
        categories=categories,
        level=initial_level(school),
        level_since=now,
        created_at=now,
        updated_at=now,
    )
    send_on_commit(distress_flagged, sender=DistressFlag, flag_id=flag.pk, school_id=school.pk)
    return flag


# --- class selection ---------------------------------------------------------------------------


def reflection_feature(*, actor: User, reflection_id: int, featured: bool) -> Reflection:
    """A teacher of the student's class chooses a consented reflection for the class selection."""
    reflection = Reflection.objects.select_related("class_org").filter(pk=reflection_id).first()
    if reflection is None or not scope_for(actor).teaches(reflection.class_org):
        raise errors.NotAllowed()
    if featured and not reflection.share_consent:
        raise errors.ReflectionInvalid(_("学生未同意分享这篇心得。"))
    # by the text itself, not only by a flag's link: the rate limit folds a later match into the same
    # flag and points it at the newer reflection, and a purge or a closed case removes the link
    concerning = matching_categories(reflection.text) or DistressFlag.objects.filter(reflection=reflection).exists()
    if featured and concerning:
        raise errors.ReflectionInvalid(_("这篇心得不能选入班级展示。"))
    reflection.featured = featured
    reflection.save(update_fields=["featured"])
    return reflection


# --- cases -------------------------------------------------------------------------------------


def _flag_for(scope: Scope, flag_id: int) -> DistressFlag:
    flag = selectors.flags_visible(scope).filter(pk=flag_id).first()
    if flag is None:
        raise errors.NotAllowed()  # the same answer whether it exists or not
    return flag


def flag_open(*, actor: User, flag_id: int, now: datetime | None = None) -> DistressFlag:
    """Opening a new flag marks it seen (and stops its escalation clock) when the opener is the one
    responsible: a counsellor in its chain, or the organiser at its level when that level has none."""
    scope = scope_for(actor)
    flag = _flag_for(scope, flag_id)
    if flag.state == FlagState.NEW and selectors.may_acknowledge(scope, flag):
        flag.state, flag.updated_at = FlagState.SEEN, now or timezone.now()
        flag.save(update_fields=["state", "updated_at"])
    return flag


@transaction.atomic
def flag_update(*, actor: User, flag_id: int, state: str, note: str, now: datetime | None = None) -> DistressFlag:
    """Move the case (seen → contacted → closed, or back) and/or add a note. Only the chain that sees the
    flag (selectors.flags_visible)."""
    now = now or timezone.now()
    flag = _flag_for(scope_for(actor), flag_id)
    note = reflection_clean(note)[:2000]
    if state and state not in FlagState.values:
        raise errors.ReadingError(_("状态不正确。"))
    if not note and (not state or state == flag.state):
        raise errors.ReadingError(_("请填写记录或选择新的状态。"))
    changed = bool(state) and state != flag.state
    if changed:
        flag.state = state
    flag.updated_at = now
    flag.save(update_fields=["state", "updated_at"])
    CaseNote.objects.create(flag=flag, author=actor, text=note, state_to=state if changed else "", created_at=now)
    return flag


def phrase_save(*, actor: User, phrase: str, category: str, active: bool = True) -> WarningPhrase:
    """City organisers maintain the warning list."""
    if not _is_city_organiser(actor):
        raise errors.NotAllowed(_("只有市级组织者可以维护预警词。"))
    phrase = phrase.strip()
    if category not in PhraseCategory.values:
        raise errors.ReadingError(_("类别不正确。"))
    if not phrase or len(phrase) > 60:
        raise errors.ReadingError(_("预警词应为 1–60 个字。"))
    obj, _created = WarningPhrase.objects.update_or_create(
        phrase=phrase, defaults={"category": category, "active": active, "updated_by": actor}
    )
    if active:
        # a reflection chosen for a class selection before the phrase was listed leaves it (no flag:
        # nobody re-reads old texts, the selection just stops showing it to classmates)
        needle = normalise_for_matching(phrase)
        featured = Reflection.objects.filter(featured=True).only("pk", "text")
        hits = [r.pk for r in featured if needle and needle in normalise_for_matching(r.text)]
        Reflection.objects.filter(pk__in=hits).update(featured=False)
    return obj


def _is_city_organiser(user: User) -> bool:
    scope = scope_for(user)
    return scope.is_admin or any(m.role == Role.ORGANISER and m.org.kind == OrgKind.CITY for m in scope.memberships)
