"""Demo organisation tree and accounts for `seed_demo`. Idempotent: natural keys, get_or_create."""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from .models import ApiToken, Membership, Organization, OrgKind, Role, SchoolStage, User, VolunteerProfile

DISTRICTS = {
    "崇川区": ["和平桥街道", "城东街道"],
    "通州区": ["金沙街道", "平潮镇"],
    "海门区": ["海门街道", "三厂街道"],
    "如东县": ["掘港街道", "栟茶镇"],
    "启东市": ["汇龙镇", "吕四港镇"],
    "如皋市": ["如城街道", "白蒲镇"],
    "海安市": ["海安街道", "城东镇"],
}

# (town index, name suffix, stage, grades with one class each)
SCHOOL_PLAN = [
    (0, "实验小学", SchoolStage.PRIMARY, [2, 5]),
    (0, "第一初级中学", SchoolStage.JUNIOR, [8]),
    (1, "高级中学", SchoolStage.SENIOR, [11]),
    (1, "青少年校外教育辅导站", None, [6]),
]

SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕聂柴焦向柳邢岳齐梅莫庄辛管祝左涂谷祁时舒耿牟卜路詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位覃霍翁隋植甘景薄单包司柏宁柯阮桂闵欧阳解强丛华车冉房边辜吉饶刁瞿戚丘古米池滕晋苑邬臧畅宫来嵺苟全褚廉简娄盖符奚木穆党燕郎邸冀谈姬屠连郜晏栾郁商蒙计喻揭窦迟宇敖糜鄢冷卓花艾蓝都巩稽井练仲乐虞卞封竺冼原官衣楚佟栗匡宗应台巫鞠僧桑荆谌银扬明沙薄伏岑习胥保和蔺"
GIVEN = "子涵欣怡梓轩浩宇雨桐思远若曦俊杰佳琪一诺宇航紫萱嘉怡博文诗琪明轩晨曦雅琴天佑心怡志强晓东海燕春华秋实文静"


def demo_name(i: int) -> str:
    surname = SURNAMES[i % len(SURNAMES)]
    g = i // len(SURNAMES)
    return surname + GIVEN[(g * 2) % len(GIVEN)] + GIVEN[(g * 3 + i) % len(GIVEN)]


@dataclass
class DemoContext:
    password: str
    city: Organization | None = None
    districts: list[Organization] = field(default_factory=list)
    schools: list[Organization] = field(default_factory=list)
    classes: list[Organization] = field(default_factory=list)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (role, username, password)
    users: dict[str, User] = field(default_factory=dict)

    def add_account(self, role: str, user: User):
        self.accounts.append((role, user.username, self.password))
        self.users[user.username] = user


def _org(name, kind, parent, **extra) -> Organization:
    org, _created = Organization.objects.get_or_create(parent=parent, name=name, defaults={"kind": kind, **extra})
    return org


def _user(ctx: DemoContext, username: str, real_name: str, role: str, org, *, reset_password: bool, **extra) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"real_name": real_name, **extra})
    if created or reset_password:
        user.set_password(ctx.password)
        user.must_change_password = False
        user.save()
    Membership.objects.get_or_create(user=user, role=role, org=org)
    ctx.add_account(role, user)
    return user


@transaction.atomic
def seed_organisations_and_people(*, password: str, students: int, reset_passwords: bool) -> DemoContext:
    ctx = DemoContext(password=password)
    ctx.city = _org("南通市", OrgKind.CITY, None, code="3206")
    for district_name, towns in DISTRICTS.items():
        district = _org(district_name, OrgKind.DISTRICT, ctx.city)
        ctx.districts.append(district)
        town_orgs = [_org(t, OrgKind.TOWN, district) for t in towns]
        short = district_name[:2]
        for town_i, suffix, stage, grades in SCHOOL_PLAN:
            kind = OrgKind.STATION if stage is None else OrgKind.SCHOOL
            school = _org(f"{short}{suffix}", kind, town_orgs[town_i], stage=stage or "")
            ctx.schools.append(school)
            for grade in grades:
                ctx.classes.append(_org(f"{grade}年级1班", OrgKind.CLASS, school, grade=grade))

    admin, created = User.objects.get_or_create(
        username="admin", defaults={"real_name": "系统管理员", "is_staff": True, "is_superuser": True}
    )
    if created or reset_passwords:
        admin.set_password(password)
        admin.save()
    Membership.objects.get_or_create(user=admin, role=Role.ADMIN, org=ctx.city)
    ctx.add_account(Role.ADMIN, admin)

    _user(ctx, "city_org", "市级组织者", Role.ORGANISER, ctx.city, reset_password=reset_passwords, is_staff=True)
    _user(
        ctx,
        "district_org",
        "崇川区组织者",
        Role.ORGANISER,
        ctx.districts[0],
        reset_password=reset_passwords,
        is_staff=True,
    )
    _user(
        ctx,
        "rudong_org",
        "如东县组织者",
        Role.ORGANISER,
        ctx.districts[3],
        reset_password=reset_passwords,
        is_staff=True,
    )

    # one teacher per class in the first two districts, reviewers among them
    teacher_no = 0
    for klass in ctx.classes[:10]:
        teacher_no += 1
        t = _user(
            ctx,
            f"teacher{teacher_no}",
            f"{demo_name(500 + teacher_no)}老师",
            Role.TEACHER,
            klass,
            reset_password=reset_passwords,
        )
        if teacher_no <= 2:
            Membership.objects.filter(user=t, role=Role.TEACHER).update(can_review_questions=True)
    # judges from different schools so blind, conflict-free assignment has room
    for j in range(1, 9):
        school = ctx.schools[(j * 5) % len(ctx.schools)]
        _user(ctx, f"judge{j}", f"{demo_name(700 + j)}", Role.JUDGE, school, reset_password=reset_passwords)

    _seed_volunteers(ctx, reset_passwords)
    _seed_students(ctx, students, reset_passwords)
    return ctx


# 五老 volunteers: (username, name, background, station index or None for a district 关工委)
VOLUNTEERS = [
    ("wl1", "周建国", "退休教师", 0),
    ("wl2", "吴秀兰", "老干部", 0),
    ("wl3", "孙德明", "老战士", 1),
    ("wl4", "钱立新", "退休校长", 2),
    ("wl5", "郑志华", "老专家", None),
    ("wl6", "冯玉梅", "老模范", None),
]


def _seed_volunteers(ctx: DemoContext, reset_passwords: bool) -> None:
    """Six 五老 volunteers: four at the first three stations (two at the first), two at district 关工委."""
    stations = [o for o in ctx.schools if o.kind == OrgKind.STATION]
    for n, (username, name, background, station) in enumerate(VOLUNTEERS):
        org = stations[station] if station is not None else ctx.districts[n % len(ctx.districts)]
        user = _user(ctx, username, name, Role.VOLUNTEER, org, reset_password=reset_passwords)
        VolunteerProfile.objects.get_or_create(user=user, defaults={"background": background})


def _seed_students(ctx: DemoContext, count: int, reset_passwords: bool) -> None:
    """Students named stu00001… spread round-robin over the demo classes. Bulk-created so
    `--students 20000` takes seconds; the hash is computed once (same password for all)."""
    usernames = [f"stu{i:05d}" for i in range(1, count + 1)]
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    password_hash = make_password(ctx.password)
    new_users = [
        User(username=u, real_name=demo_name(i), student_no=f"3206{i:08d}", password=password_hash)
        for i, u in enumerate(usernames, start=1)
        if u not in existing
    ]
    User.objects.bulk_create(new_users, batch_size=2000)
    if reset_passwords and existing:
        User.objects.filter(username__in=existing).update(password=password_hash, must_change_password=False)
        ApiToken.objects.filter(user__username__in=existing).delete()  # a bulk update skips User.save()
    by_name = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
    has_class = set(
        Membership.objects.filter(user_id__in=by_name.values(), role=Role.STUDENT).values_list("user_id", flat=True)
    )
    memberships = []
    for i, username in enumerate(usernames):
        uid = by_name[username]
        if uid not in has_class:
            memberships.append(Membership(user_id=uid, role=Role.STUDENT, org=ctx.classes[i % len(ctx.classes)]))
    Membership.objects.bulk_create(memberships, batch_size=2000)
    for username in usernames:
        ctx.accounts.append((Role.STUDENT, username, ctx.password))
