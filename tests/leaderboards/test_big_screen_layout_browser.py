"""The big screen's 20 rows fit: every cell's box lies inside its row, rows do not overlap, and the board
fits the screen, at 1920×1080 and at 1366×768 (measured in Chromium). A multi-day countdown shows days."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import ClassFactory, SchoolFactory, Tree, make_student
from tests.leaderboards.factories import finish_attempt, make_contest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEASURE = """() => {
  const rows = [...document.querySelectorAll('#lb-board .row')].filter(r => r.style.opacity !== '0');
  const board = document.getElementById('lb-board').getBoundingClientRect();
  const out = {rows: rows.length, spill: [], overlap: 0, boardBottom: board.bottom, lastBottom: 0,
               viewport: window.innerHeight, rowHeights: []};
  let prev = null;
  for (const r of rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)) {
    const box = r.getBoundingClientRect();
    out.rowHeights.push(box.height);
    for (const c of r.children) {
      const cb = c.getBoundingClientRect();
      if (cb.top < box.top - 0.5 || cb.bottom > box.bottom + 0.5) out.spill.push([c.className, cb.height, box.height]);
    }
    if (prev && box.top < prev.bottom - 0.5) out.overlap += 1;
    prev = box;
    out.lastBottom = Math.max(out.lastBottom, box.bottom);
  }
  return out;
}"""


@pytest.mark.parametrize("width,height", [(1920, 1080), (1366, 768)])
def test_twenty_rows_fit_their_boxes_and_the_screen(live_daphne, chromium_browser, transactional_db, width, height):
    tree = Tree()
    contest = make_contest(
        tree.city, title="南通市中小学生法律知识竞赛决赛", closes_at=timezone.now() + timedelta(days=7, hours=8)
    )
    school = SchoolFactory(name="南通市崇川区实验小学教育集团校外教育辅导站", parent=tree.town_a)
    klass = ClassFactory(parent=school, grade=5)
    for i in range(22):
        student = make_student(klass, real_name=f"欧阳晓明{i:02d}")
        finish_attempt(contest, student, score=100 - i, time_used_s=1000 + i, send=False)
    context = chromium_browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{live_daphne}/leaderboards/contests/{contest.pk}/screen/?display={contest.display_token}")
        # locator expectations: the page's CSP forbids the eval a string predicate would need
        expect(page.locator("#lb-board .row[style*='opacity: 1']")).to_have_count(20)
        page.wait_for_timeout(1000)  # let the slide-in transitions finish before measuring
        m = page.evaluate(MEASURE)
        assert m["rows"] == 20
        assert m["spill"] == [], m["spill"][:3]
        assert m["overlap"] == 0
        assert m["lastBottom"] <= m["boardBottom"] + 0.5 <= m["viewport"] + 0.5
        assert page.evaluate("document.documentElement.scrollHeight") <= height
        # 7 days and 8 hours left: days are spelled out, not "176:…"
        countdown = page.locator("#lb-countdown").inner_text()
        assert countdown.startswith("7天 0") and countdown.count(":") == 2, countdown
    finally:
        context.close()
