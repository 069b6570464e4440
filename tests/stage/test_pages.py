"""Pages per role, the judge link's one-device binding, the xlsx import and export, the verify page."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from stage import services
from stage.access import Actor
from stage.models import Performer
from tests.stage.factories import T0, Stage, at

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def run_one(st, contents, performer=None):
    p = performer or st.performers[0]
    st.open(p)
    st.score_all(p, contents)
    services.performer_lock(actor=st.host, event_id=st.event.pk, performer_id=p.pk, now=at(1))
    return p


def test_pages_per_role():
    st = Stage(judges=2)
    e = st.event.pk
    host = login(st.tree.city_organiser)
    judge = login(st.judge_users[0])
    other = login(st.tree.organiser_a)
    anon = Client()
    assert host.get(reverse("stage:host", args=[e])).status_code == 200
    assert host.get(reverse("stage:manage", args=[e])).status_code == 200
    assert judge.get(reverse("stage:host", args=[e])).status_code == 403
    assert other.get(reverse("stage:manage", args=[e])).status_code == 403
    assert other.get(reverse("stage:export", args=[e])).status_code == 403
    assert anon.get(reverse("stage:host", args=[e])).status_code == 302
    assert judge.get(reverse("stage:judge", args=[e])).status_code == 200
    assert other.get(reverse("stage:judge", args=[e])).status_code == 403
    assert anon.get(reverse("stage:event", args=[e])).status_code == 200
    assert anon.get(reverse("stage:screen", args=[e])).status_code == 404
    ok = anon.get(reverse("stage:screen", args=[e]) + f"?display={st.event.display_token}")
    assert ok.status_code == 200 and b"stage/screen.js" in ok.content and b"<script>" not in ok.content


def test_judge_link_binds_to_the_first_device_only():
    st = Stage(judges=2)
    raw = services.seat_link_issue(actor=st.host, seat=st.seats[1], now=T0)
    url = reverse("stage:judge_link", args=[st.event.pk, raw])
    phone = Client()
    assert phone.get(url).status_code == 302
    page = phone.get(reverse("stage:judge", args=[st.event.pk]))
    assert page.status_code == 200 and "评委2".encode() in page.content
    thief = Client()
    assert thief.get(url).status_code == 403
    assert phone.get(url).status_code == 302  # the same phone may open it again
    services.seat_link_revoke(actor=st.host, seat=st.seats[1], now=at(1))
    assert phone.get(reverse("stage:judge", args=[st.event.pk])).status_code == 302  # to login: seat gone


def test_public_page_shows_only_revealed_scores_until_the_end():
    st = Stage(judges=3)
    p = run_one(st, [30, 32, 34])
    anon = Client()
    page = anon.get(reverse("stage:event", args=[st.event.pk])).content.decode()
    assert st.event.draw_commitment in page and "80.00" not in page
    services.scores_reveal(actor=st.host, event_id=st.event.pk, performer_id=p.pk, now=at(2))
    page = anon.get(reverse("stage:event", args=[st.event.pk])).content.decode()
    assert "80.00" in page


def test_export_has_every_judges_score_and_escapes_formulas():
    st = Stage(judges=3, performers=2, draw=False)
    Performer.objects.filter(pk=st.performers[1].pk).update(name="=HYPERLINK(1)")
    services.draw_commit(actor=st.host, event_id=st.event.pk, public_input_rule="x", now=T0)
    services.draw_perform(actor=st.host, event_id=st.event.pk, public_input="1", now=T0)
    for p in Performer.objects.filter(event=st.event).order_by("running_order"):
        run_one(st, [30, 32, 34] if p.name.startswith("=") else [20, 22, 24], p)
    resp = login(st.tree.city_organiser).get(reverse("stage:export", args=[st.event.pk]))
    wb = load_workbook(io.BytesIO(resp.content))
    ws = wb["小学组"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:5] == ("名次", "奖项", "出场顺序", "报名号", "姓名")
    assert rows[1][4] == "'=HYPERLINK(1)" and rows[1][0] == 1 and rows[1][1] == "一等奖"
    assert rows[1][8:11] == (78.0, 80.0, 82.0)
    detail = list(wb["评分明细"].iter_rows(values_only=True))
    assert len(detail) == 1 + 6
    winners = list(wb["获奖名单"].iter_rows(values_only=True))  # what goes on to the provincial round
    assert len(winners) == 1 + 2 and winners[0][:3] == ("组别", "名次", "奖项")
    assert winners[1][:3] == ("小学组", 1, "一等奖") and winners[1][4] == "'=HYPERLINK(1)"
    assert winners[1][7] == "80.00"
    assert winners[2][:3] == ("小学组", 2, "二等奖") and winners[2][7] == "70.00"


def test_xlsx_import_is_all_or_nothing_with_row_numbers():
    st = Stage(judges=1, performers=0, draw=False)
    wb = Workbook()
    ws = wb.active
    ws.append(["报名号", "姓名", "单位", "组别", "演讲题目"])
    ws.append(["A01", "王爷爷", "崇川区关工委", "五老组", "我的入党故事"])
    ws.append(["A02", "李同学", "实验小学", "不存在的组", "强国有我"])
    buf = io.BytesIO()
    wb.save(buf)
    host = login(st.tree.city_organiser)
    url = reverse("stage:manage_action", args=[st.event.pk, "import"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    resp = host.post(url, {"file": SimpleUploadedFile("p.xlsx", buf.getvalue())}, follow=True)
    assert "第 3 行" in resp.content.decode() and not Performer.objects.exists()
    ws.delete_rows(3)
    buf = io.BytesIO()
    wb.save(buf)
    host.post(url, {"file": SimpleUploadedFile("p.xlsx", buf.getvalue())})
    assert list(Performer.objects.values_list("code", "name", "category__name")) == [("A01", "王爷爷", "五老组")]
    resp = host.post(url, {"file": SimpleUploadedFile("p.xlsx", b"not a zip")}, follow=True)
    assert "xlsx" in resp.content.decode()


def test_verify_page_recomputes_the_order():
    st = Stage(judges=1, performers=4)
    page = Client().get(reverse("stage:draw_verify", args=[st.event.pk])).content.decode()
    assert "核对一致" in page
    codes = " ".join(p.code for p in st.performers)
    assert codes in page
    wrong = Client().get(reverse("stage:draw_verify", args=[st.event.pk]) + "?seed=abc&input=123").content.decode()
    assert "不一致" in wrong


def test_bias_report_flags_a_judge_whose_removal_changes_the_awards():
    # 2 performers, 5 judges; judge 5 alone lifts performer B over A
    st = Stage(judges=5, performers=2, award_first=1, award_second=0, award_third=0)
    a, b = st.performers
    run_one(st, [36, 36, 36, 30, 20], a)  # totals 84 84 84 78 68 → drop 84/68 → (84+84+78)/3 = 82
    run_one(st, [35, 35, 35, 30, 40], b)  # totals 83 83 83 78 88 → drop 88/78 → 83
    from stage.reports import bias_report

    report = dict(bias_report(st.refresh()))["小学组"]
    by_seat = {j.seat: j for j in report}
    assert by_seat[4].mean_offset < 0
    # without judge 5: A (84+84+84+78)/4 = 82.5, B (83+83+83+78)/4 = 81.75 → the first prize moves to A
    assert by_seat[5].flagged and {c.name for c in by_seat[5].award_changes} == {a.name, b.name}
    assert not by_seat[1].flagged  # without judge 1: A (84+84+78+68)/4 = 78.5, B (83+83+78+88)/4 = 83
    page = login(st.tree.city_organiser).get(reverse("stage:bias", args=[st.event.pk]))
    assert page.status_code == 200 and "⚠".encode() in page.content


def test_certificates_through_the_results_app_after_the_event_ends():
    from results.errors import CertificateError
    from results.models import CertificateKind, CertificateTemplate
    from results.services import certificates_generate

    st = Stage(judges=3, performers=2)
    a, b = st.performers
    Performer.objects.filter(pk=a.pk).update(user=st.tree.student_a)
    run_one(st, [36, 36, 36], a)
    from django.contrib.contenttypes.models import ContentType

    template = CertificateTemplate.objects.create(
        content_type=ContentType.objects.get_for_model(st.event),
        object_id=st.event.pk,
        kind=CertificateKind.AWARD,
        org=st.tree.city,
        title="获奖证书",
        body="{name} 在 {contest} 中获得 {award}",
        issuer="南通市关工委",
        issue_date=timezone.localdate(),
        created_by=st.tree.city_organiser,
    )
    with pytest.raises(CertificateError):
        certificates_generate(template=template)
    services.event_set_status(
        actor=Actor(user=st.tree.city_organiser), event_id=st.event.pk, status="finished", now=at(9)
    )
    template = CertificateTemplate.objects.get(pk=template.pk)
    certificates_generate(template=template)
    cert = template.certificates.get()
    assert cert.holder == st.tree.student_a and cert.award_text == "小学组 一等奖"


def test_organiser_creates_an_event_with_rules_and_a_district_organiser_only_in_their_region():
    from tests.factories import Tree

    tree = Tree()
    client = login(tree.organiser_a)
    form = {
        "title": "如东县老少同台演讲比赛", "venue": "县青少年宫", "date": "2026-12-05", "owner_org": tree.district_a.pk,
        "decimals": 2, "trim_min_judges": 5, "time_limit_s": 300, "warning_s": 60, "overtime_step_s": 10,
        "overtime_deduction": "0.1", "award_mode": "count", "award_first": 1, "award_second": 2, "award_third": 3,
        "award_merit": 0, "categories_text": "五老组\n小学组", "criteria_text": "内容 40\n表达 30 5\n仪态 20 0 1.5",
    }  # fmt: skip
    resp = client.post(reverse("stage:event_create"), form)
    from stage.models import StageEvent

    event = StageEvent.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("stage:manage", args=[event.pk])
    crit = list(event.criteria.values_list("name", "max_points", "min_points", "weight"))
    assert [(n, int(a), int(b), float(w)) for n, a, b, w in crit] == [
        ("内容", 40, 0, 1.0), ("表达", 30, 5, 1.0), ("仪态", 20, 0, 1.5)
    ]  # fmt: skip
    assert list(event.categories.values_list("name", flat=True)) == ["五老组", "小学组"]
    other = client.post(reverse("stage:event_create"), {**form, "owner_org": tree.district_b.pk})
    assert other.status_code == 200 and StageEvent.objects.count() == 1
    assert login(tree.student_a).get(reverse("stage:event_create")).status_code == 403
