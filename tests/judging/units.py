"""Builders for entries from adults and units: stations under the small tree, their staff (五老 volunteers
and teachers), and open works contests declaring who may enter."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Organization, OrgKind, Role
from judging import services
from judging.models import ContestKind, EntrantKind
from tests.factories import Tree, make_member

from .factories import make_contest

ESSAY_BODY = "校外教育辅导站开展实践创新活动的调研报告正文。" * 10


def make_station(parent: Organization, name: str) -> Organization:
    return Organization.objects.create(name=name, kind=OrgKind.STATION, parent=parent)


class UnitWorld:
    """Tree + 如东县 station 掘港街道关工委校外辅导站 with two 五老 volunteers, a teacher there too, and a 海安
    station with one volunteer."""

    def __init__(self):
        self.tree = t = Tree()
        self.station = make_station(t.town_a, "掘港街道校外教育辅导站")
        self.station_b = make_station(t.town_b, "城东镇校外教育辅导站")
        self.staff_1 = make_member(Role.VOLUNTEER, self.station, username="wl_zhou", real_name="周建国")
        self.staff_2 = make_member(Role.VOLUNTEER, self.station, username="wl_wu", real_name="吴秀兰")
        self.staff_b = make_member(Role.VOLUNTEER, self.station_b, username="wl_sun", real_name="孙德明")
        self.district_volunteer = make_member(Role.VOLUNTEER, t.district_a, username="wl_qian", real_name="钱老")

    def contest(self, kinds, *, kind=ContestKind.ESSAY, **kw):
        kw.setdefault("title", "校外教育辅导站实践创新工作成果调研报告")
        kw.setdefault("code_prefix", "DY")
        return make_contest(self.tree, open_now=True, kind=kind, entrant_kinds=list(kinds), **kw)

    def unit_contest(self, **kw):
        return self.contest([EntrantKind.UNIT], **kw)


def save(contest, user, *, title="调研报告", body=ESSAY_BODY, unit=None, upload=None, **kw):
    return services.entry_save(
        contest=contest, entrant=user, unit=unit, title=title, body=body, upload=upload, pledge_accepted=True, **kw
    )


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)
