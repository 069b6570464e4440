"""Statistics per district and school against quotas, with honours; the page and the xlsx agree."""

import io

import openpyxl
import pytest

from honours.selectors import honours_statistics

pytestmark = pytest.mark.django_db


def test_districts_sum_their_schools_against_the_district_quota_with_honours(voting_world, client):
    w, campaign, cands = voting_world  # one candidate per school standing at city level, two districts
    s = honours_statistics(campaign)
    assert [d["district"] for d in s["districts"]] == sorted(d.name for d in w.districts)
    first = next(d for d in s["districts"] if d["district"] == w.districts[0].name)
    assert first["nominated"] == 2 and first["approved"] == [2, 2, 0]
    assert first["district_quota"] == (2, 2)  # used / limit at district level
    honours = sum(d["honours"] for d in s["districts"])
    assert honours == sum(r["honours"] for r in s["schools"]) == 3  # 1 十佳 + 2 三好标兵 places
    client.force_login(w.city_org)
    page = client.get(f"/honours/{campaign.pk}/manage/stats/").content.decode()
    assert "区县汇总" in page and "2/2" in page
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/honours/{campaign.pk}/manage/stats.xlsx").content))
    rows = list(book["区县汇总"].iter_rows(values_only=True))
    assert rows[0][-1] == "荣誉（当前排名）"
    assert [r[0] for r in rows[1:]] == [d["district"] for d in s["districts"]]
    assert sum(r[-1] for r in rows[1:]) == honours
