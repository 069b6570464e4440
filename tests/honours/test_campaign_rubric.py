"""The organiser sets the panel's rubric on the campaign page as judging's criteria (name, description, max
points, weight); it stays editable until the first panel score freezes it, and a change after that is
refused with a Chinese error on the page."""

from datetime import timedelta
from decimal import Decimal

import pytest

from accounts.models import Role
from accounts.selectors import scope_for
from honours.errors import HonoursError, RubricFrozen
from honours.models import Campaign
from honours.selectors import panel_criteria
from honours.services import review
from honours.services.panel import campaign_rubric_write
from judging.models import Criterion, Rubric

from .factories import NOW, build_world, make_campaign, nominate, points_by_name, user
from .test_campaign_pages import form_data

pytestmark = pytest.mark.django_db


def criteria_data(*rows, initial: int = 0) -> dict:
    """The criteria formset as the page posts it: (name, max points, weight, description) per row."""
    data = {
        "criteria-TOTAL_FORMS": str(len(rows) + 1),
        "criteria-INITIAL_FORMS": str(initial),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "20",
    }
    for i, (name, max_points, weight, description) in enumerate(rows):
        data.update(
            {
                f"criteria-{i}-name": name,
                f"criteria-{i}-max_points": max_points,
                f"criteria-{i}-weight": weight,
                f"criteria-{i}-description": description,
            }
        )
    data[f"criteria-{len(rows)}-weight"] = "1"  # the empty extra row as rendered
    return data


def rows(campaign) -> list[tuple]:
    return [(c.name, c.description, c.max_points, c.weight) for c in panel_criteria(campaign)]


def publish_for_scoring(campaign):
    campaign.levels.filter(kind="school").update(nomination_opens_at=None, nomination_closes_at=None)
    campaign.nomination_closes_at = None
    campaign.draft = False
    campaign.save()


def test_rubric_is_set_on_the_page_as_judging_criteria_checked_and_frozen_by_the_first_score(client):
    w = build_world()
    client.force_login(w.city_org)
    bad = client.post(
        "/honours/manage/new/", form_data(**criteria_data(("思想品德", "40", "1", ""), ("学业", "abc", "1", "")))
    )
    assert bad.status_code == 400 and not Campaign.objects.exists() and not Rubric.objects.exists()
    dup = client.post(
        "/honours/manage/new/", form_data(**criteria_data(("学业", "40", "1", ""), ("学业", "30", "", "")))
    )
    assert dup.status_code == 400 and "评审细则中“学业”重复" in dup.content.decode()
    assert not Campaign.objects.exists() and not Rubric.objects.exists()
    made = client.post(
        "/honours/manage/new/",
        form_data(**criteria_data(("思想品德", "40", "2", "理想信念、遵纪守法"), ("学业与特长", "30.5", "", ""))),
    )
    assert made.status_code == 302
    campaign = Campaign.objects.get()
    rubric = campaign.panel_rubric
    assert rubric.contest is None and not rubric.is_frozen
    assert rows(campaign) == [
        ("思想品德", "理想信念、遵纪守法", Decimal("40"), Decimal("2")),
        ("学业与特长", "", Decimal("30.5"), Decimal("1")),
    ]
    edit = f"/honours/{campaign.pk}/manage/edit/"
    page = client.get(edit).content.decode()
    assert 'value="思想品德"' in page and "理想信念、遵纪守法" in page
    # before any score the organiser may still change the criteria (also after publishing)
    publish_for_scoring(campaign)
    changed = client.post(edit, form_data(**criteria_data(("思想品德", "50", "1", ""), ("学业与特长", "50", "1", ""))))
    assert changed.status_code == 302
    publish_for_scoring(campaign)  # the post set the 2027 nomination dates again
    assert [(n, m) for n, _d, m, _w in rows(campaign)] == [("思想品德", Decimal("50")), ("学业与特长", Decimal("50"))]

    cand = nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0], now=NOW - timedelta(days=1))
    judge = user("评委", Role.JUDGE, w.schools[2])
    review.panel_score_save(
        judge=judge,
        scope=scope_for(judge),
        candidate=cand,
        points=points_by_name(campaign, {"思想品德": 30, "学业与特长": 20}),
        now=NOW,
    )
    rubric.refresh_from_db()
    assert rubric.frozen_at == NOW
    # the page now shows the criteria read-only with the reason, and the rest of the campaign still saves
    page = client.get(edit).content.decode()
    assert "评审细则已冻结" in page and 'name="criteria-TOTAL_FORMS"' not in page
    assert client.post(edit, form_data(title="改过的名称")).status_code == 302
    # a change posted anyway (a page opened before the first score) is refused, nothing is written
    refused = client.post(edit, form_data(title="再改名称", **criteria_data(("只有一项", "100", "1", ""))))
    assert refused.status_code == 400 and "已有评审打分，评审细则已冻结，不能再修改。" in refused.content.decode()
    campaign.refresh_from_db()
    assert campaign.title == "改过的名称"
    assert [c.name for c in panel_criteria(campaign)] == ["思想品德", "学业与特长"]
    # posting the same criteria again is not a change
    same = criteria_data(("思想品德", "50", "1", ""), ("学业与特长", "50.0", "1.00", ""), initial=2)
    assert client.post(edit, form_data(**same)).status_code == 302


def test_panel_score_is_computed_from_the_judging_criterion_rows(client):
    w = build_world()
    campaign = make_campaign(
        w,
        rubric=[
            {"name": "思想品德", "max_points": 40, "weight": 2},
            {"name": "学业", "max_points": 30, "weight": "0.5"},
            {"name": "实践", "max_points": 30, "weight": 1},
        ],
    )
    criteria = {c.name: c for c in Criterion.objects.filter(rubric=campaign.panel_rubric)}
    assert campaign.panel_rubric.contest is None and len(criteria) == 3
    cand = nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0])
    judge = user("评委", Role.JUDGE, w.schools[2])
    score = review.panel_score_save(
        judge=judge,
        scope=scope_for(judge),
        candidate=cand,
        points={criteria["思想品德"].pk: "35.5", criteria["学业"].pk: 20, criteria["实践"].pk: 25},
        now=NOW,
    )
    # 35.5 × 2 + 20 × 0.5 + 25 × 1
    assert score.total == Decimal("106.00")
    assert score.points == {
        str(criteria["思想品德"].pk): "35.5",
        str(criteria["学业"].pk): "20.0",
        str(criteria["实践"].pk): "25.0",
    }
    # through the candidate page (inputs named after the criterion ids), by a reviewer of the level
    reviewer = w.district_orgs[0]
    client.force_login(reviewer)
    url = f"/honours/{campaign.pk}/manage/candidates/{cand.pk}/"
    page = client.get(url).content.decode()
    assert all(f'name="c{c.pk}"' in page for c in criteria.values())
    client.post(url, {"action": "score", **{f"c{c.pk}": "10" for c in criteria.values()}})
    mine = cand.panel_scores.get(judge=reviewer)
    assert mine.total == Decimal("35.00")  # 10 × 2 + 10 × 0.5 + 10 × 1
    # judging's rule refuses a missing criterion or too many decimals
    with pytest.raises(HonoursError) as missing:
        review.panel_score_save(
            judge=judge, scope=scope_for(judge), candidate=cand, points={criteria["思想品德"].pk: 30}, now=NOW
        )
    assert missing.value.code == "score_missing"
    with pytest.raises(HonoursError) as precise:
        points = {c.pk: "10" for c in criteria.values()} | {criteria["实践"].pk: "10.25"}
        review.panel_score_save(judge=judge, scope=scope_for(judge), candidate=cand, points=points, now=NOW)
    assert precise.value.code == "score_precision"


def test_the_frozen_rubric_refuses_a_service_edit_and_a_campaign_without_rubric_takes_no_score(client):
    w = build_world()
    campaign = make_campaign(w)
    cand = nominate(campaign, w.students[w.classes[0].pk][0], actor=w.teachers[0])
    judge = user("评委", Role.JUDGE, w.schools[2])
    review.panel_score_save(
        judge=judge,
        scope=scope_for(judge),
        candidate=cand,
        points=points_by_name(campaign, {"事迹": 1, "材料": 2}),
        now=NOW,
    )
    with pytest.raises(RubricFrozen):
        campaign_rubric_write(campaign=campaign, criteria=[{"name": "事迹", "max_points": 100}])
    with pytest.raises(RubricFrozen):
        campaign_rubric_write(campaign=campaign, criteria=[])
    assert [c.name for c in panel_criteria(campaign)] == ["事迹", "材料"]

    plain = make_campaign(w, title="不设评审打分", rubric=[])
    assert plain.panel_rubric is None and panel_criteria(plain) == []
    other = nominate(plain, w.students[w.classes[1].pk][0], actor=w.teachers[1])
    with pytest.raises(HonoursError) as exc:
        review.panel_score_save(judge=judge, scope=scope_for(judge), candidate=other, points={}, now=NOW)
    assert exc.value.code == "no_panel_rubric"
    client.force_login(w.school_orgs[1])
    assert "评审打分" not in client.get(f"/honours/{plain.pk}/manage/candidates/{other.pk}/").content.decode()


def test_clearing_every_criterion_before_scores_removes_the_rubric(client):
    w = build_world()
    campaign = make_campaign(w)
    rubric_id = campaign.panel_rubric_id
    campaign_rubric_write(campaign=campaign, criteria=[])
    campaign.refresh_from_db()
    assert campaign.panel_rubric is None and not Rubric.objects.filter(pk=rubric_id).exists()
