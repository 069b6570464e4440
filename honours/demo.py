"""Demo for `seed_demo`: a 三好标兵 campaign (school → district → city) with nominees standing at school
and district level, candidates at city level in an open online vote, a district notice in progress
with one open objection, and a batch of family voting codes (printed once, when first created).
Idempotent: the campaign is found by title; nothing is created twice."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role
from accounts.selectors import scope_for

from .models import Campaign, CampaignLevel, Candidate, Honour, LevelKind
from .services import review
from .services.codes import format_code, vote_codes_issue
from .services.notice import notice_publish, objection_lodge
from .services.panel import campaign_rubric_write
from .services.quotas import unit_for
from .services.voting import VoteMeta, vote_cast, voter_for_user

TITLE = "2026年度南通市“三好标兵”评选（演示）"
RULES = (
    "按照“公平公正公开，自上而下组织发动、自下而上层层评选推荐”的原则，经学校、区（县、市）、市逐级推荐评审，"
    "结合网络投票，评选“十佳三好标兵”10名、“三好标兵”若干名。"
)


def _students(ctx, n: int):
    out = []
    for klass in ctx.classes:
        m = Membership.objects.filter(role=Role.STUDENT, org=klass).select_related("user").order_by("user_id").first()
        if m:
            out.append(m.user)
        if len(out) >= n:
            break
    return out


@transaction.atomic
def _campaign(ctx, boss, now) -> tuple[Campaign, bool]:
    campaign = Campaign.objects.filter(title=TITLE).first()
    if campaign:
        return campaign, False
    campaign = Campaign.objects.create(
        title=TITLE,
        year=now.year,
        owner_org=ctx.city,
        grade_bands=["primary_lower", "primary_upper", "junior", "senior"],
        rules_text=RULES,
        nomination_closes_at=now - timedelta(days=10),
        voting_level=LevelKind.CITY,
        vote_opens_at=now - timedelta(days=1),
        vote_closes_at=now + timedelta(days=7),
        votes_per_day=5,
        freeze_hours=12,
        panel_weight=Decimal("70"),
        created_by=boss,
    )
    campaign_rubric_write(
        campaign=campaign,
        criteria=[
            {"name": "思想品德", "max_points": 40, "weight": 1, "description": "理想信念、遵纪守法、关心集体"},
            {"name": "学业与特长", "max_points": 30, "weight": 1},
            {"name": "社会实践", "max_points": 30, "weight": 1},
        ],
    )
    CampaignLevel.objects.create(campaign=campaign, kind=LevelKind.SCHOOL, order=0, quota_fixed=3)
    CampaignLevel.objects.create(
        campaign=campaign, kind=LevelKind.DISTRICT, order=1, quota_per_mille=Decimal("3"), quota_minimum=5
    )
    CampaignLevel.objects.create(campaign=campaign, kind=LevelKind.CITY, order=2, quota_fixed=20)
    Honour.objects.create(campaign=campaign, name="十佳三好标兵", places=10, order=0)
    Honour.objects.create(campaign=campaign, name="三好标兵", places=20, order=1)
    return campaign, True


def seed(ctx, stdout) -> None:
    boss = ctx.users.get("city_org")
    if boss is None or ctx.city is None:
        return
    now = timezone.now()
    campaign, created = _campaign(ctx, boss, now)
    if not created:
        stdout.write(f"三好标兵评选演示：/honours/{campaign.pk}/（已存在）")
        return
    scope = scope_for(boss)
    cands = []
    for student in _students(ctx, 8):
        cand = review.candidate_nominate(
            actor=boss,
            scope=scope,
            campaign=campaign,
            student=student,
            deeds="担任班长，组织班级志愿服务；学习刻苦，积极参加社区实践，关心帮助同学。",
            summary="品学兼优，热心志愿服务",
            class_vote_record="班级推荐投票 38/42 票",
            showcase_consent=True,
            now=now - timedelta(days=20),
        )
        review.candidate_attest(actor=boss, scope=scope, candidate=cand, excellent=True, no_discipline=True, now=now)
        for party, text, who in (
            ("school", "该生表现优秀", "班主任"),
            ("community", "社区活动积极", "社区居委会"),
            ("family", "孝敬长辈", "家长"),
        ):
            review.endorsement_record(
                actor=boss, scope=scope, candidate=cand, party=party, statement=text, given_by=who
            )
        cands.append(cand)
    # 0-3 reach the city level (voting), 4-5 wait at district level, 6-7 at school level
    for i, cand in enumerate(cands[:6]):
        cand = review.candidate_approve(actor=boss, scope=scope, candidate=cand, now=now - timedelta(days=15))
        if i < 4:
            cand = review.candidate_approve(actor=boss, scope=scope, candidate=cand, now=now - timedelta(days=12))
        cands[i] = cand
    district = campaign.levels.get(kind=LevelKind.DISTRICT)
    # each district publishes its own notice; the first candidate's gets an objection
    notices = {}
    for cand in cands[:4]:
        unit = unit_for(level=district, school=cand.school)
        if unit.pk not in notices:
            notices[unit.pk] = notice_publish(actor=boss, scope=scope, level=district, unit=unit, now=now)
    if cands:
        notice = notices[unit_for(level=district, school=cands[0].school).pk]
        objection_lodge(notice=notice, candidate=cands[0], text="希望核实该生获奖证书的真实性。", now=now)
    codes = []
    if ctx.classes:
        _batch, codes = vote_codes_issue(campaign=campaign, klass=ctx.classes[0], now=now, actor=boss)
    for user in _students(ctx, 3):
        voter = voter_for_user(user=user, now=now)
        for cand in Candidate.objects.filter(campaign=campaign, level__kind=LevelKind.CITY)[:2]:
            vote_cast(campaign=campaign, candidate_id=cand.pk, voter=voter, meta=VoteMeta(), now=now)
    stdout.write(
        f"三好标兵评选演示：/honours/{campaign.pk}/ ；公示 /honours/{campaign.pk}/notice/district/（各区县分别公示）"
    )
    for name, code in codes[:3]:
        stdout.write(f"  家庭投票码（{name}）：{format_code(code)}  → /honours/vote/")
