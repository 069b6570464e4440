"""factory-boy factories shared by every test module."""

import factory

from accounts.models import Membership, Organization, OrgKind, Role, SchoolStage, User

DEFAULT_PASSWORD = "Passw0rd!2026"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"组织{n}")
    kind = OrgKind.CITY
    parent = None


class CityFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"南通市{n}")
    kind = OrgKind.CITY


class DistrictFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"区{n}")
    kind = OrgKind.DISTRICT
    parent = factory.SubFactory(CityFactory)


class TownFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"街道{n}")
    kind = OrgKind.TOWN
    parent = factory.SubFactory(DistrictFactory)


class SchoolFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"实验学校{n}")
    kind = OrgKind.SCHOOL
    stage = SchoolStage.PRIMARY
    parent = factory.SubFactory(TownFactory)


class ClassFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"{n}班")
    kind = OrgKind.CLASS
    grade = 5
    parent = factory.SubFactory(SchoolFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_member(role: str, org: Organization | None, **user_kwargs) -> User:
    user = UserFactory(**user_kwargs)
    Membership.objects.create(user=user, role=role, org=org)
    return user


def make_student(klass: Organization | None = None, **kw) -> User:
    return make_member(Role.STUDENT, klass or ClassFactory(), **kw)


def make_teacher(org: Organization, **kw) -> User:
    return make_member(Role.TEACHER, org, **kw)


def make_organiser(org: Organization, **kw) -> User:
    return make_member(Role.ORGANISER, org, **kw)


def make_judge(org: Organization | None = None, **kw) -> User:
    return make_member(Role.JUDGE, org, **kw)


class Tree:
    """A small two-district city: city → {A, B} districts → town → school → class, one of each role."""

    def __init__(self):
        self.city = CityFactory(name="南通市")
        self.district_a = DistrictFactory(name="如东县", parent=self.city)
        self.district_b = DistrictFactory(name="海安市", parent=self.city)
        self.town_a = TownFactory(name="掘港街道", parent=self.district_a)
        self.town_b = TownFactory(name="城东镇", parent=self.district_b)
        self.school_a = SchoolFactory(name="如东县实验小学", parent=self.town_a)
        self.school_b = SchoolFactory(name="海安市实验小学", parent=self.town_b)
        self.class_a = ClassFactory(name="五（1）班", parent=self.school_a, grade=5)
        self.class_b = ClassFactory(name="五（2）班", parent=self.school_b, grade=5)
        self.student_a = make_student(self.class_a, username="stu_a", real_name="张小明")
        self.student_b = make_student(self.class_b, username="stu_b", real_name="李小红")
        self.teacher_a = make_teacher(self.class_a, username="tea_a")
        self.teacher_b = make_teacher(self.class_b, username="tea_b")
        self.organiser_a = make_organiser(self.district_a, username="org_a")
        self.organiser_b = make_organiser(self.district_b, username="org_b")
        self.city_organiser = make_organiser(self.city, username="org_city")
        self.judge = make_judge(self.city, username="judge1")
