"""Statistics for every organiser of the campaign's tree, restricted to their region: a district sees its
district's rows and totals, a school its own, the city everything; page and xlsx show the same figures;
no other region's data appears; staff without an organiser role in the tree get 403."""

import io

import openpyxl
import pytest

from accounts.models import Organization, OrgKind, Role
from accounts.selectors import scope_for
from honours.selectors import campaign_region, honours_statistics

from .factories import user

pytestmark = pytest.mark.django_db


def _xlsx(client, campaign) -> dict:
    response = client.get(f"/honours/{campaign.pk}/manage/stats.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return {name: list(book[name].iter_rows(values_only=True))[1:] for name in book.sheetnames}


def test_a_district_organiser_sees_only_their_district_and_page_and_xlsx_agree(voting_world, client):
    w, campaign, cands = voting_world  # one city-level candidate per school, two schools per district
    organiser = w.district_orgs[0]
    s = honours_statistics(campaign, region=campaign_region(scope_for(organiser), campaign))
    assert [d["district"] for d in s["districts"]] == [w.districts[0].name]
    assert [r["school"] for r in s["schools"]] == sorted(x.name for x in w.schools[:2])
    assert s["districts"][0]["nominated"] == 2 and s["districts"][0]["district_quota"] == (2, 2)
    assert {r.candidate_id for r in s["standings"]} == {cands[0].pk, cands[1].pk}
    client.force_login(organiser)
    manage = client.get(f"/honours/{campaign.pk}/manage/").content.decode()
    assert f"/honours/{campaign.pk}/manage/stats/" in manage and f"/honours/{campaign.pk}/manage/notices/" in manage
    page = client.get(f"/honours/{campaign.pk}/manage/stats/")
    assert page.status_code == 200
    body = page.content.decode()
    sheets = _xlsx(client, campaign)
    assert [r[0] for r in sheets["区县汇总"]] == [w.districts[0].name]
    assert [r[1] for r in sheets["推荐与名额"]] == [r["school"] for r in s["schools"]]
    assert [r[1] for r in sheets["综合排名"]] == [r.name for r in s["standings"]]
    # the page shows the same rows and figures as the spreadsheet
    for row in sheets["推荐与名额"]:
        assert row[1] in body
    for row in sheets["综合排名"]:
        assert row[1] in body and f"<td>{row[0]}</td>" in body
    district_row = sheets["区县汇总"][0]
    cells = "".join(f"<td>{v}</td>" for v in district_row[1:-3])  # nominated, approved per level
    assert f"<td>{district_row[0]}</td>{cells}<td>{district_row[-3]}</td>" in body
    # nothing of the other district, on either
    for other in (w.districts[1].name, *(x.name for x in w.schools[2:]), cands[2].name, cands[3].name):
        assert other not in body
        assert all(other not in str(cell) for rows in sheets.values() for row in rows for cell in row)


def test_a_school_organiser_sees_their_school_and_not_the_district_quota(voting_world, client):
    w, campaign, cands = voting_world
    s = honours_statistics(campaign, region=campaign_region(scope_for(w.school_orgs[1]), campaign))
    assert [r["school"] for r in s["schools"]] == [w.schools[1].name]
    assert s["districts"][0]["nominated"] == 1 and s["districts"][0]["district_quota"] is None
    assert [r.candidate_id for r in s["standings"]] == [cands[1].pk]
    client.force_login(w.school_orgs[1])
    sheets = _xlsx(client, campaign)
    assert [r[1] for r in sheets["推荐与名额"]] == [w.schools[1].name]


def test_the_city_sees_every_district_and_others_get_403(voting_world, client):
    w, campaign, cands = voting_world
    whole = honours_statistics(campaign)
    assert honours_statistics(campaign, region=campaign_region(scope_for(w.city_org), campaign)) == whole
    assert len(whole["districts"]) == 2 and len(whole["standings"]) == 4
    client.force_login(w.city_org)
    assert len(_xlsx(client, campaign)["区县汇总"]) == 2
    outsider_city = Organization.objects.create(name="苏州市", kind=OrgKind.CITY)
    stranger = user("外市组织者", Role.ORGANISER, outsider_city)
    for staff in (w.teachers[0], stranger, w.students[w.classes[0].pk][0]):
        client.force_login(staff)
        assert client.get(f"/honours/{campaign.pk}/manage/stats/").status_code == 403
        assert client.get(f"/honours/{campaign.pk}/manage/stats.xlsx").status_code == 403
