"""A small tree (city → 2 districts → towns → schools → classes), a campaign with school → district →
city levels, and students on the roster."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from accounts.models import Membership, Organization, OrgKind, Role, User
from honours.models import Campaign, CampaignLevel, Honour, LevelKind
from honours.selectors import panel_criteria
from honours.services.panel import campaign_rubric_write

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=TZ)  # a Monday
RUBRIC = [{"name": "事迹", "max_points": 60, "weight": 1}, {"name": "材料", "max_points": 40, "weight": 1}]


@dataclass
class World:
    city: Organization
    districts: list = field(default_factory=list)
    towns: list = field(default_factory=list)
    schools: list = field(default_factory=list)
    classes: list = field(default_factory=list)
    city_org: User = None
    district_orgs: list = field(default_factory=list)
    school_orgs: list = field(default_factory=list)
    teachers: list = field(default_factory=list)
    students: dict = field(default_factory=dict)  # class id -> [users]


_n = [0]


def user(name: str, role: str | None = None, org=None, **kw) -> User:
    _n[0] += 1
    u = User.objects.create_user(username=f"{name}{_n[0]}", password="x", real_name=name, **kw)
    if role:
        Membership.objects.create(user=u, role=role, org=org)
    return u


def build_world(*, students_per_class: int = 3) -> World:
    city = Organization.objects.create(name="南通市", kind=OrgKind.CITY)
    w = World(city=city)
    w.city_org = user("市组织者", Role.ORGANISER, city)
    for d in ("崇川区", "如东县"):
        district = Organization.objects.create(name=d, kind=OrgKind.DISTRICT, parent=city)
        w.districts.append(district)
        w.district_orgs.append(user(f"{d}组织者", Role.ORGANISER, district))
        town = Organization.objects.create(name=f"{d}街道", kind=OrgKind.TOWN, parent=district)
        w.towns.append(town)
        for s in ("实验小学", "第一中学"):
            school = Organization.objects.create(name=f"{d[:2]}{s}", kind=OrgKind.SCHOOL, parent=town)
            w.schools.append(school)
            w.school_orgs.append(user(f"{school.name}校管", Role.ORGANISER, school))
            grade = 5 if "小学" in s else 8
            klass = Organization.objects.create(name=f"{grade}年级1班", kind=OrgKind.CLASS, parent=school, grade=grade)
            w.classes.append(klass)
            w.teachers.append(user(f"{school.name}老师", Role.TEACHER, klass))
            w.students[klass.pk] = [user(f"学生{klass.pk}-{i}", Role.STUDENT, klass) for i in range(students_per_class)]
    return w


def make_campaign(
    w: World, *, levels=(LevelKind.SCHOOL, LevelKind.DISTRICT, LevelKind.CITY), quota=2, **kw
) -> Campaign:
    defaults = {
        "title": "2026年度南通市三好标兵评选",
        "year": 2026,
        "owner_org": w.city,
        "grade_bands": ["primary_upper", "junior"],
        "created_by": w.city_org,
        "voting_level": LevelKind.CITY,
        "vote_opens_at": NOW,
        "vote_closes_at": NOW + timedelta(days=7),
        "votes_per_day": 3,
        "panel_weight": Decimal("70"),
    }
    defaults.update(kw)
    rubric = defaults.pop("rubric", RUBRIC)
    campaign = Campaign.objects.create(**defaults)
    campaign_rubric_write(campaign=campaign, criteria=rubric)
    for i, kind in enumerate(levels):
        CampaignLevel.objects.create(campaign=campaign, kind=kind, order=i, quota_fixed=quota)
    Honour.objects.create(campaign=campaign, name="十佳三好标兵", places=1, order=0)
    Honour.objects.create(campaign=campaign, name="三好标兵", places=2, order=1)
    return campaign


def points_by_name(campaign, points: dict) -> dict:
    """{criterion name: points} → {judging Criterion id: points}, as the candidate page posts them."""
    ids = {c.name: c.pk for c in panel_criteria(campaign)}
    return {ids[name]: value for name, value in points.items()}


def nominate(campaign, student, *, actor, now=NOW, attest=True):
    from accounts.selectors import scope_for
    from honours.services.review import candidate_attest, candidate_nominate

    cand = candidate_nominate(
        actor=actor,
        scope=scope_for(actor),
        campaign=campaign,
        student=student,
        deeds="热爱集体，乐于助人。",
        summary="乐于助人",
        now=now,
    )
    if attest:
        candidate_attest(
            actor=actor, scope=scope_for(actor), candidate=cand, excellent=True, no_discipline=True, now=now
        )
    return cand


def approve_to(cand, kind: str, w: World, now=NOW):
    """Approve level by level until the candidate stands at `kind` (or is a finalist for "final")."""
    from accounts.selectors import scope_for
    from honours.models import CandidateStatus
    from honours.services.review import candidate_approve

    while cand.level.kind != kind and cand.status != CandidateStatus.FINALIST:
        cand = candidate_approve(actor=w.city_org, scope=scope_for(w.city_org), candidate=cand, now=now)
    if kind == "final" and cand.status != CandidateStatus.FINALIST:
        cand = candidate_approve(actor=w.city_org, scope=scope_for(w.city_org), candidate=cand, now=now)
    return cand


def voting_now(w: World):
    """A campaign whose voting is open now, one city-level candidate per class and its chain head."""
    from django.utils import timezone

    from honours.models import ChainHead

    now = timezone.now()
    campaign = make_campaign(w, vote_opens_at=now - timedelta(hours=1), vote_closes_at=now + timedelta(days=1))
    cands = [
        approve_to(nominate(campaign, w.students[k.pk][0], actor=w.teachers[i]), "city", w)
        for i, k in enumerate(w.classes)
    ]
    ChainHead.objects.create(campaign=campaign)
    return campaign, cands
