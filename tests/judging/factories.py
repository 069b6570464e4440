"""Builders for judging tests: a contest past its deadline with entries from several schools, a
rubric (立意 30, 内容 30, 结构 20, 语言 20) and a panel of judges attached to schools."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import OrgKind
from judging import services
from judging.models import ContestKind, Entry, EntryVersion, Round, SubmissionContest
from judging.text import char_count, sanitise_html
from tests.factories import ClassFactory, SchoolFactory, TownFactory, Tree, make_judge, make_student

RUBRIC = [
    {"name": "立意", "description": "主题鲜明", "max_points": 30, "weight": 1},
    {"name": "内容", "description": "内容充实", "max_points": 30, "weight": 1},
    {"name": "结构", "description": "结构完整", "max_points": 20, "weight": 1},
    {"name": "语言", "description": "语言流畅", "max_points": 20, "weight": 1},
]
ESSAY = "青春献礼二十大，奋斗强国新征程。" * 20


def make_contest(tree: Tree, *, open_now=False, kind=ContestKind.ESSAY, **kw) -> SubmissionContest:
    now = timezone.now()
    fields = {
        "title": "喜迎二十大征文",
        "kind": kind,
        "opens_at": now - timedelta(days=10),
        "closes_at": now + timedelta(days=5) if open_now else now - timedelta(hours=1),
        "code_prefix": "ZW",
    }
    fields.update(kw)
    return services.contest_create(actor=tree.city_organiser, owner_org=tree.city, **fields)


def add_entry(contest, student, *, title="我的征文", body=ESSAY) -> Entry:
    """An entry written directly (bypassing the deadline check) for judging tests."""
    from accounts.selectors import org_district, org_school

    klass = student.memberships.get(role="student").org
    entry = Entry.objects.create(
        contest=contest,
        code=f"{contest.code_prefix}-{Entry.objects.filter(contest=contest).count() + 1:04d}",
        author=student,
        school=org_school(klass),
        district=org_district(klass),
        pledge_accepted_at=timezone.now(),
    )
    EntryVersion.objects.create(
        entry=entry, number=1, title=title, body_text=body, body_html=sanitise_html(body), char_count=char_count(body)
    )
    return entry


class World:
    """Tree + `schools` extra schools (alternating districts) with one student each, and judges."""

    def __init__(self, *, schools=4, judges=6, k=3, level="city", judge_schools=None):
        self.tree = Tree()
        t = self.tree
        self.contest = make_contest(t)
        services.rubric_set(actor=t.city_organiser, contest=self.contest, criteria=RUBRIC)
        self.schools, self.students, self.entries = [], [], []
        for i in range(schools):
            district = t.district_a if i % 2 == 0 else t.district_b
            town = TownFactory(parent=district)
            school = SchoolFactory(parent=town)
            klass = ClassFactory(parent=school, grade=5)
            self.schools.append(school)
            student = make_student(klass, real_name=f"作者{i}号", username=f"author{i}")
            self.students.append(student)
            self.entries.append(add_entry(self.contest, student, title=f"征文{i}"))
        self.judges = []
        for j in range(judges):
            org = (judge_schools or {}).get(j, self.tree.city)
            self.judges.append(make_judge(org, username=f"judge_{j}", real_name=f"评委{j}"))
        self.round = services.round_create(
            actor=t.city_organiser, contest=self.contest, name="市级复评", level=level, judges_per_entry=k
        )
        services.round_set_panel(actor=t.city_organiser, rnd=self.round, judge_ids=[j.pk for j in self.judges])

    @property
    def organiser(self):
        return self.tree.city_organiser

    def open_and_assign(self):
        services.round_open(actor=self.organiser, rnd=self.round)
        return services.round_assign_auto(actor=self.organiser, rnd=self.round)

    def refresh_round(self) -> Round:
        self.round.refresh_from_db()
        return self.round

    def criteria(self):
        return list(self.contest.rubric.criteria.all())

    def score(self, assignment, values, *, submit=True, comment=""):
        points = {c.pk: v for c, v in zip(self.criteria(), values)}
        return services.score_save(
            judge=assignment.judge, assignment=assignment, points=points, comment=comment, submit=submit
        )


__all__ = ["World", "make_contest", "add_entry", "RUBRIC", "ESSAY", "OrgKind"]
