"""Organisers write and publish readings: sanitised body, checked audio, a 3–5 question quiz of
published, reviewed bank questions (frozen as revisions at publish time)."""

from __future__ import annotations

import html
import io
import math
import re
import uuid
from datetime import date, datetime

import nh3
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from accounts.models import GradeBand, Organization, User
from accounts.selectors import scope_for
from judging.files import FileRejected
from questionbank.models import Question, QuestionStatus, Topic

from .. import conf, errors
from ..models import Reading, ReadingQuestion, ReadingStatus, Series

BODY_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "blockquote", "ul", "ol", "li",
    "img", "figure", "figcaption", "hr",
}  # fmt: skip
BODY_ATTRIBUTES = {"img": {"src", "alt", "width", "height"}}
IMAGE_DIR = "reading_images/"
IMAGE_MAX_PIXELS = 16_000_000
IMAGE_MAX_SIDE = 1600  # what a phone needs; larger uploads are scaled down
AUDIO_TYPES = {"mp3", "m4a", "wav"}
QUIZ_MIN, QUIZ_MAX = 3, 5


def _own_images_only(tag: str, attribute: str, value: str) -> str | None:
    # The page's Content-Security-Policy allows our own images only; anything else would be a broken
    # picture (or a tracking pixel), so it is dropped here.
    if tag == "img" and attribute == "src":
        return value if value.startswith(settings.MEDIA_URL + IMAGE_DIR) and ".." not in value else None
    return value


_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def body_sanitise(html: str) -> str:
    cleaned = nh3.clean(
        html or "",
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        attribute_filter=_own_images_only,
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )
    return _IMG_WITHOUT_SRC.sub("", cleaned).strip()  # an image whose source was dropped


def reading_minutes_estimate(body: str) -> int:
    """Minutes a pupil needs for the text at READING_CHARS_PER_MINUTE (markup and spaces not counted)."""
    text = html.unescape(nh3.clean(body or "", tags=set()))
    return max(1, math.ceil(len(re.sub(r"\s+", "", text)) / conf.get("READING_CHARS_PER_MINUTE")))


def image_store(*, data: bytes, filename: str) -> str:
    """An illustration for a reading body: size-, pixel- and ratio-checked before decoding, re-encoded
    (metadata dropped, scaled to phone size) and stored. Returns its URL for an <img>."""
    if not data or len(data) > 8 * 1024 * 1024:
        raise errors.ReadingError(_("图片为空或超过 8 MB。"))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt, (w, h) = probe.format, probe.size
            if fmt not in ("JPEG", "PNG", "GIF", "WEBP") or w * h > IMAGE_MAX_PIXELS or max(w, h) > 20 * min(w, h):
                raise errors.ReadingError(_("图片格式或尺寸不符合要求（JPEG/PNG/GIF/WebP，长宽比不超过 20）。"))
            probe.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
            image = probe.convert("RGB")
    except (OSError, Image.DecompressionBombError, ValueError) as exc:
        raise errors.ReadingError(_("图片无法读取。")) from exc
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    name = default_storage.save(f"{IMAGE_DIR}{uuid.uuid4().hex}.jpg", ContentFile(out.getvalue()))
    return default_storage.url(name)


def month_start(value: date) -> date:
    return value.replace(day=1)


def _check_manage(actor: User, org: Organization) -> None:
    if not scope_for(actor).manages(org):
        raise errors.NotAllowed(_("该单位不在您管理的区域内。"))


def audio_check(*, data: bytes, filename: str) -> tuple[str, bytes]:
    """The judging app's upload checks: size first, then type by content, metadata stripped."""
    try:
        from judging.files import check_and_clean  # loads the rebuilders: only when a file arrives

        return check_and_clean(
            data=data, filename=filename, allowed=AUDIO_TYPES, max_bytes=conf.get("READING_AUDIO_MAX_MB") * 1024 * 1024
        )
    except FileRejected as exc:
        raise errors.AudioRejected(exc.message) from exc


@transaction.atomic
def reading_save(
    *,
    actor: User,
    reading: Reading | None,
    owner_org: Organization,
    series: Series | None,
    title: str,
    month: date,
    opens_on: date | None,
    grade_bands: list[str],
    body: str,
    reading_minutes: int | None,
    topic: Topic,
    pass_percent: int,
    question_ids: list[int],
    audio: tuple[bytes, str] | None = None,
    image: tuple[bytes, str] | None = None,
) -> Reading:
    """Create or edit a reading. A published reading keeps its frozen quiz; edits to text are allowed."""
    _check_manage(actor, owner_org)
    if reading is not None:
        _check_manage(actor, reading.owner_org)
    if series is not None:
        _check_manage(actor, series.owner_org)
    if any(b not in GradeBand.values for b in grade_bands):
        raise errors.ReadingError(_("学段不正确。"))
    if not 1 <= pass_percent <= 100:
        raise errors.ReadingError(_("通过线应在 1–100 之间。"))
    if image is not None:
        body = f'{body}<figure><img src="{image_store(data=image[0], filename=image[1])}" alt=""></figure>'
    clean_body = body_sanitise(body)
    if not clean_body:
        raise errors.ReadingError(_("正文不能为空。"))
    reading = reading or Reading(created_by=actor)
    reading.owner_org, reading.series, reading.title = owner_org, series, title.strip()
    reading.month = month_start(month)
    reading.opens_on = opens_on or reading.month
    reading.grade_bands, reading.body = list(grade_bands), clean_body
    # the organiser's own figure, else an estimate from the text (it sets the plausible reading time)
    reading.reading_minutes = max(1, reading_minutes) if reading_minutes else reading_minutes_estimate(clean_body)
    reading.topic, reading.pass_percent = topic, pass_percent
    if audio is not None:
        kind, data = audio_check(data=audio[0], filename=audio[1])
        reading.audio.save(f"narration.{kind}", ContentFile(data), save=False)
        reading.audio_type = kind
    reading.save()
    if not reading.is_published:
        _set_questions(reading, question_ids)
    return reading


def _set_questions(reading: Reading, question_ids: list[int]) -> None:
    """Link questions of the reading's topic (any status while drafting; publish checks they are
    published). Stored as current revisions, refreshed at publish."""
    questions = list(Question.objects.filter(pk__in=question_ids, topic=reading.topic).exclude(current_revision=None))
    if len(questions) != len(set(question_ids)):
        raise errors.ReadingError(_("所选题目须属于该阅读的测验专题。"))
    order = {qid: i for i, qid in enumerate(question_ids)}
    reading.questions.all().delete()
    ReadingQuestion.objects.bulk_create(
        [ReadingQuestion(reading=reading, revision_id=q.current_revision_id, order=order[q.pk]) for q in questions]
    )


@transaction.atomic
def reading_publish(*, actor: User, reading_id: int, now: datetime | None = None) -> Reading:
    now = now or timezone.now()
    reading = Reading.objects.select_for_update().select_related("owner_org").get(pk=reading_id)
    _check_manage(actor, reading.owner_org)
    if reading.is_published:
        return reading
    links = list(reading.questions.select_related("revision__question"))
    if not QUIZ_MIN <= len(links) <= QUIZ_MAX:
        raise errors.PublishRefused(_("测验应有 3–5 道题，目前有 %(n)d 道。") % {"n": len(links)})
    for link in links:
        question = link.revision.question
        if question.status != QuestionStatus.PUBLISHED:
            raise errors.PublishRefused(_("题目「%(stem)s」尚未通过审核。") % {"stem": question.stem[:20]})
        if link.revision_id != question.current_revision_id:
            link.revision_id = question.current_revision_id
            link.save(update_fields=["revision"])
    reading.status, reading.published_at = ReadingStatus.PUBLISHED, now
    reading.save(update_fields=["status", "published_at", "updated_at"])
    return reading


@transaction.atomic
def reading_unpublish(*, actor: User, reading_id: int) -> Reading:
    reading = Reading.objects.select_for_update().select_related("owner_org").get(pk=reading_id)
    _check_manage(actor, reading.owner_org)
    if reading.progress.exists():
        raise errors.PublishRefused(_("已有学生阅读，不能撤回；可修改正文。"))
    reading.status = ReadingStatus.DRAFT
    reading.save(update_fields=["status", "updated_at"])
    return reading


def series_create(*, actor: User, owner_org: Organization, title: str, description: str = "") -> Series:
    _check_manage(actor, owner_org)
    return Series.objects.create(owner_org=owner_org, title=title.strip(), description=description)
