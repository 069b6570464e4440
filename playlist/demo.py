"""Demo playlist for `seed_demo`: the award-winning videos of the 微视频课件 collection (judging.demo_units),
their entrants' consent recorded through the same service a teacher or volunteer uses, a public city
playlist with a poster for every video and captions on the first. Idempotent."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.selectors import scope_for
from judging.demo_units import VIDEO
from judging.demo_video import PALETTE
from judging.models import SubmissionContest

from . import selectors, services
from .models import Playlist, VideoConsent

TITLE = "优秀活动微视频课件展播"
DESCRIPTION = "市关工委“优秀活动微视频课件”征集活动获奖作品（经作者授权公开）。"
CAPTIONS = "WEBVTT\n\n00:00.000 --> 00:01.500\n同学们好！\n\n00:01.500 --> 00:03.000\n今天我们一起走进红色故事。\n"


def _poster(variant: int) -> SimpleUploadedFile:
    """A 16:9 title card in the video's colour with a play mark (rebuilt like any uploaded poster)."""
    from PIL import Image, ImageDraw

    y, cb, cr = PALETTE[variant % len(PALETTE)]
    colour = Image.new("YCbCr", (1, 1), (y, cb, cr)).convert("RGB").getpixel((0, 0))
    picture = Image.new("RGB", (640, 360), colour)
    ImageDraw.Draw(picture).polygon([(280, 130), (280, 230), (370, 180)], fill=(255, 255, 255))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return SimpleUploadedFile("poster.png", out.getvalue(), content_type="image/png")


@transaction.atomic
def seed(ctx, stdout) -> None:
    organiser = ctx.users.get("city_org")
    contest = SubmissionContest.objects.filter(title=VIDEO, owner_org=ctx.city).first() if ctx.city else None
    if organiser is None or contest is None or not contest.awards_published_at:
        return
    for award in contest.awards.filter(published_at__isnull=False).select_related("entry__author"):
        entry = award.entry
        if not VideoConsent.objects.filter(entry=entry).exists():  # the entrant agrees, naming themself
            services.consent_grant(actor=entry.author, entry=entry, show_name=True, show_school=True)
    playlist = Playlist.objects.filter(title=TITLE, owner_org=ctx.city).first()
    if playlist is None:
        playlist = services.playlist_create(
            actor=organiser, scope=scope_for(organiser), title=TITLE, description=DESCRIPTION, owner_org=ctx.city
        )
    scope = scope_for(organiser)
    for entry in selectors.candidates(playlist).filter(contest=contest):
        services.item_add(actor=organiser, scope=scope, playlist=playlist, entry_id=entry.pk)
    for n, item in enumerate(playlist.items.select_related("entry").order_by("position")):
        if not item.poster:
            number = item.entry.code.rsplit("-", 1)[-1]
            variant = int(number) - 201 if number.isdigit() else n  # the colour demo_units gave the video
            services.item_set_poster(scope=scope, item=item, upload=_poster(variant))
        if n == 0 and not item.captions:
            upload = SimpleUploadedFile("captions.vtt", CAPTIONS.encode())
            services.item_set_captions(scope=scope, item=item, upload=upload, label="中文字幕")
    if not playlist.is_public:
        services.playlist_set_public(scope=scope, playlist=playlist, public=True)
    count = len(selectors.visible_items(playlist))
    stdout.write(f"视频展播演示：{TITLE}（{count} 个获奖视频，含封面，第 1 个带字幕）")
