"""The year's trend chart: x labels never overlap, long titles are cut with a tooltip carrying the whole
title, and practice contests stay out of the year's figures."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from results.charts import FONT_PX, horizontal_bars, text_width, vertical_bars
from tests.factories import Tree

from .factories import make_knowledge_contest

pytestmark = pytest.mark.django_db

TITLES = [f"南通市第{i}届中小学生党的二十大精神知识竞赛" for i in range(1, 9)]


def _x_labels(svg: str):
    out = []
    for m in re.finditer(r'<text x="([\d.]+)" y="\d+" text-anchor="middle"><title>([^<]*)</title>([^<]*)</text>', svg):
        out.append((float(m.group(1)), m.group(2), m.group(3)))
    return out


@pytest.mark.parametrize("n", [3, 8, 24])
def test_vertical_bar_labels_do_not_overlap_and_keep_the_full_title(n):
    rows = [(TITLES[i % len(TITLES)], i) for i in range(n)]
    labels = _x_labels(str(vertical_bars(rows, title="参与人数")))
    assert labels
    for (x1, _full1, shown1), (x2, _full2, shown2) in zip(labels, labels[1:]):
        # centred labels: half of each width must fit in the distance between the centres
        assert (text_width(shown1, FONT_PX) + text_width(shown2, FONT_PX)) / 2 < x2 - x1
    assert all(full in TITLES for _x, full, _s in labels)
    assert all(s == full or s.endswith("…") for _x, full, s in labels)


def test_horizontal_bar_labels_are_not_cut_to_six_characters_and_carry_a_tooltip():
    svg = str(horizontal_bars([("如东县", 0.5), (TITLES[0], 0.25)], title="优秀率"))
    assert "<title>如东县：50.0%</title>" in svg
    assert f"<title>{TITLES[0]}：25.0%</title>" in svg
    assert ">如东县<" in svg  # a short label is whole
    shown = re.findall(r'text-anchor="end">([^<]*)<', svg)[1]
    assert len(shown) > 7 and shown.endswith("…")


def test_practice_contests_are_left_out_of_the_years_trend(client):
    tree = Tree()
    formal = make_knowledge_contest(owner=tree.city, title="正式竞赛")
    make_knowledge_contest(
        owner=tree.city, title="法学苑练习", kind="practice", opens_at=formal.opens_at + timedelta(minutes=1)
    )
    client.force_login(tree.city_organiser)
    year = formal.opens_at.year
    html = client.get(reverse("results:stats_trends"), {"year": year}).content.decode()
    assert "正式竞赛" in html and "法学苑练习" not in html
    xlsx = client.get(reverse("results:stats_trends_xlsx"), {"year": year})
    import io

    import openpyxl

    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == ["正式竞赛"]
