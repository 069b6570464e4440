"""People and the organisation tree: city → district → town → school/station → class."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import validate_phone


class OrgKind(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("区/县/县级市")
    TOWN = "town", _("镇/街道")
    SCHOOL = "school", _("学校")
    STATION = "station", _("校外教育辅导站")
    CLASS = "class", _("班级")


# the kinds a class belongs to as "its school" (a station teaches classes like a school does)
SCHOOL_KINDS = (OrgKind.SCHOOL, OrgKind.STATION)


# which kinds may sit directly under which
ALLOWED_PARENT_KINDS = {
    OrgKind.CITY: set(),
    OrgKind.DISTRICT: {OrgKind.CITY},
    OrgKind.TOWN: {OrgKind.DISTRICT},
    OrgKind.SCHOOL: {OrgKind.DISTRICT, OrgKind.TOWN},
    OrgKind.STATION: {OrgKind.DISTRICT, OrgKind.TOWN},
    OrgKind.CLASS: {OrgKind.SCHOOL, OrgKind.STATION},
}


class SchoolStage(models.TextChoices):
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    NINE_YEAR = "nine_year", _("九年一贯制")
    COMPLETE = "complete", _("完全中学")
    TWELVE_YEAR = "twelve_year", _("十二年一贯制")


STAGE_GRADES = {
    SchoolStage.PRIMARY: range(1, 7),
    SchoolStage.JUNIOR: range(7, 10),
    SchoolStage.SENIOR: range(10, 13),
    SchoolStage.NINE_YEAR: range(1, 10),
    SchoolStage.COMPLETE: range(7, 13),
    SchoolStage.TWELVE_YEAR: range(1, 13),
}


class Grade(models.IntegerChoices):
    G1 = 1, _("一年级")
    G2 = 2, _("二年级")
    G3 = 3, _("三年级")
    G4 = 4, _("四年级")
    G5 = 5, _("五年级")
    G6 = 6, _("六年级")
    G7 = 7, _("初一")
    G8 = 8, _("初二")
    G9 = 9, _("初三")
    G10 = 10, _("高一")
    G11 = 11, _("高二")
    G12 = 12, _("高三")


class GradeBand(models.TextChoices):
    PRIMARY_LOWER = "primary_lower", _("小学低段")
    PRIMARY_UPPER = "primary_upper", _("小学高段")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")


def grade_band_for(grade: int | None) -> str | None:
    if grade is None:
        return None
    if 1 <= grade <= 3:
        return GradeBand.PRIMARY_LOWER
    if 4 <= grade <= 6:
        return GradeBand.PRIMARY_UPPER
    if 7 <= grade <= 9:
        return GradeBand.JUNIOR
    if 10 <= grade <= 12:
        return GradeBand.SENIOR
    return None


def path_ids(path: str) -> list[int]:
    """The ids on a materialised path ("/1/4/9/" → [1, 4, 9]), the node itself last."""
    return [int(part) for part in (path or "").strip("/").split("/") if part]


class Organization(models.Model):
    """One node of the tree. `path` is a materialised path ("/1/4/17/") so a subtree is one indexed
    prefix query; it is maintained on save and never edited by hand."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    stage = models.CharField(_("学段"), max_length=16, choices=SchoolStage.choices, blank=True)
    grade = models.PositiveSmallIntegerField(_("年级"), choices=Grade.choices, null=True, blank=True)
    code = models.CharField(_("代码"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_under_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def grade_band(self) -> str | None:
        return grade_band_for(self.grade)

    def clean(self):
        from django.core.exceptions import ValidationError

        allowed = ALLOWED_PARENT_KINDS.get(self.kind, set())
        parent_kind = self.parent.kind if self.parent_id else None
        if self.kind == OrgKind.CITY and self.parent_id:
            raise ValidationError({"parent": _("市级组织不能有上级。")})
        if self.kind != OrgKind.CITY and parent_kind not in allowed:
            raise ValidationError({"parent": _("该类型的组织不能放在所选上级之下。")})
        if self.kind == OrgKind.CLASS and not self.grade:
            raise ValidationError({"grade": _("班级必须填写年级。")})

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        parent_path = self.parent.path if self.parent_id else "/"
        new_path = f"{parent_path}{self.pk}/"
        if new_path != self.path:
            old_path = self.path
            self.path = new_path
            self.depth = new_path.count("/") - 2
            Organization.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            if old_path:
                # a move: rewrite the subtree's prefixes
                for child in Organization.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    child.path = new_path + child.path[len(old_path) :]
                    child.depth = child.path.count("/") - 2
                    Organization.objects.filter(pk=child.pk).update(path=child.path, depth=child.depth)

    def ancestor_ids(self) -> list[int]:
        return path_ids(self.path)

    def ancestors(self):
        return Organization.objects.filter(pk__in=self.ancestor_ids()).order_by("depth")

    def ancestor_of_kind(self, kind: str):
        return Organization.objects.filter(pk__in=self.ancestor_ids(), kind=kind).first()

    def is_within(self, other: "Organization") -> bool:
        return self.path.startswith(other.path)

    @property
    def name_with_school(self) -> str:
        """A class as people say it: "崇川实验小学 二（1）班" (a class sits directly under its school)."""
        if self.kind == OrgKind.CLASS and self.parent_id:
            return f"{self.parent.name} {self.name}"
        return self.name

    @property
    def full_name(self) -> str:
        return " / ".join(o.name for o in self.ancestors() if o.kind != OrgKind.CITY)


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class User(AbstractUser):
    real_name = models.CharField(_("姓名"), max_length=50, blank=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True, validators=[validate_phone])
    student_no = models.CharField(_("学号/学籍号"), max_length=40, blank=True, db_index=True)
    must_change_password = models.BooleanField(_("首次登录须改密码"), default=False)
    # siblings share it (one family voting code); a keyed hash from the roster, never a phone (accounts/family.py)
    family_key = models.CharField(_("家庭标识"), max_length=64, null=True, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.real_name or self.username

    def save(self, *args, **kwargs):
        # Bearer tokens must not outlive the credentials they were issued for: any path that sets a new
        # password (set_password() then save(): the password page, admin reset, staff resets) or saves the
        # account inactive revokes all of them. Here rather than in each view so no path can forget it.
        revoke = not self._state.adding and (self._password is not None or not self.is_active)
        super().save(*args, **kwargs)
        if revoke:
            ApiToken.objects.filter(user=self).delete()

    @property
    def display_name(self) -> str:
        return self.real_name or self.username


class Role(models.TextChoices):
    STUDENT = "student", _("学生")
    TEACHER = "teacher", _("教师")
    JUDGE = "judge", _("评委")
    ORGANISER = "organiser", _("组织者")
    ADMIN = "admin", _("系统管理员")
    # 心理老师: held at a school or station; sees that school's private reading-distress flags (reading app)
    COUNSELLOR = "counsellor", _("心理老师")
    # 五老 (老干部、老战士、老专家、老教师、老模范): held at a 关工委 node (city/district/town) or a station
    VOLUNTEER = "volunteer", _("五老志愿者")


# where a 五老 volunteer may be attached
VOLUNTEER_ORG_KINDS = (OrgKind.CITY, OrgKind.DISTRICT, OrgKind.TOWN, OrgKind.STATION)


class Membership(models.Model):
    """A role a person holds at a node of the tree. Students hold one at their class; teachers at
    classes or a whole school; organisers at the node they administer (and everything under it)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("组织"),
        null=True,
        blank=True,
    )
    can_review_questions = models.BooleanField(_("可审核题目"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org"], name="membership_unique"),
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(role="student"), name="membership_one_student_class"
            ),
        ]
        indexes = [models.Index(fields=["role", "org"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.org or ''}"


class VolunteerProfile(models.Model):
    """What the 关工委 records about a 五老 volunteer beyond the account: the unit they came from and their
    background (imported from the volunteers' spreadsheet, accounts/volunteers.py)."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="volunteer_profile", verbose_name=_("用户")
    )
    unit = models.CharField(_("原工作单位"), max_length=100, blank=True)
    background = models.CharField(_("身份背景"), max_length=100, blank=True, help_text=_("如 退休教师、老战士"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("五老志愿者")
        verbose_name_plural = _("五老志愿者")

    def __str__(self) -> str:
        return str(self.user)


class ApiToken(models.Model):
    """Bearer token for mobile / mini-program clients. Only a SHA-256 of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")


class InitialPassword(models.Model):
    """A student's initial password, kept so the teacher who issued it can print login slips and download the
    account list again — until the student replaces it at first login, when the secret is wiped (the row
    stays as the record of who issued the account in which import). Encrypted with a key derived from
    SECRET_KEY (accounts/credentials.py): a database dump alone does not reveal it. Storing it is acceptable
    because it is single-use: it only ever opens the forced first-login password change."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="initial_password", verbose_name=_("学生")
    )
    issued_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("发放人")
    )
    batch = models.CharField(_("导入批次"), max_length=64, blank=True, db_index=True)
    secret = models.TextField(blank=True, editable=False)
    issued_at = models.DateTimeField(_("发放时间"), auto_now=True)

    class Meta:
        verbose_name = _("初始密码")
        verbose_name_plural = _("初始密码")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def in_use(self) -> bool:
        return bool(self.secret)


class EnrolmentSnapshot(models.Model):
    """Students per class of a contest's audience, frozen when the contest closed, so that figures of a
    past contest (参与率) never move when rosters change later. Read through `accounts.enrolment`."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    counts = models.JSONField(default=dict, help_text="class org id (as text) → enrolled students")
    taken_at = models.DateTimeField()

    class Meta:
        verbose_name = _("在册人数快照")
        verbose_name_plural = _("在册人数快照")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="accounts_enrolment_one_per_contest")
        ]
