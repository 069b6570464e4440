"""A judge (or team) link is bound to the first device that opens it, on the page or over the socket;
another device is refused in Chinese; the organiser can reset the binding, and the reset is logged."""

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stage import services
from stage.devices import DEVICE_COOKIE, device_hash
from stage.models import AuditAction, AuditEntry, JudgeSeat, Team
from tests.stage.factories import T0, Stage
from tests.stage.final_factories import Final
from tests.stage.test_consumer import connect, until, ws_app  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
db = sync_to_async


async def refused(comm) -> str:
    msg = await comm.receive_json_from(timeout=5)
    assert msg["type"] == "refused" and msg["code"] == "device_taken"
    out = await comm.receive_output(timeout=5)
    assert out["type"] == "websocket.close" and out["code"] == 4403
    return msg["message"]


async def test_a_link_opened_over_the_socket_is_bound_to_that_device(ws_app):  # noqa: F811
    st = await db(Stage)(judges=2)
    link = await db(services.seat_link_issue)(actor=st.host, seat=st.seats[1], now=timezone.now())
    first, ok, _ = await connect(ws_app, st.event, "judge", f"&link={link}&device=phone-a")
    assert ok and (await first.receive_json_from(timeout=5))["type"] == "state"
    seat = await db(JudgeSeat.objects.get)(pk=st.seats[1].pk)
    assert seat.link_device == device_hash("phone-a") and seat.link_used_at is not None
    other, ok, _ = await connect(ws_app, st.event, "judge", f"&link={link}&device=phone-b")
    assert "另一台设备" in await refused(other)
    nobody, ok, _ = await connect(ws_app, st.event, "judge", f"&link={link}")
    assert "无法识别本设备" in await refused(nobody)
    again, ok, _ = await connect(ws_app, st.event, "judge", f"&link={link}&device=phone-a")
    assert ok and (await again.receive_json_from(timeout=5))["type"] == "state"
    await first.disconnect()
    await again.disconnect()


async def test_the_page_binds_the_cookie_and_the_socket_honours_it(ws_app):  # noqa: F811
    st = await db(Stage)(judges=2)
    link = await db(services.seat_link_issue)(actor=st.host, seat=st.seats[0], now=timezone.now())
    phone = Client()
    response = await db(phone.get)(reverse("stage:judge_link", args=[st.event.pk, link]))
    assert response.status_code == 302
    cookie = response.cookies[DEVICE_COOKIE]
    assert cookie["httponly"] and cookie.value
    # the same phone's socket (its cookie) is the seat's device; a copied link elsewhere is not
    mine, ok, _ = await connect(ws_app, st.event, "judge", f"&link={link}", cookie=cookie.value)
    assert ok and (await mine.receive_json_from(timeout=5))["me"]["seat"] == st.seats[0].number
    thief, ok, _ = await connect(ws_app, st.event, "judge", f"&link={link}", cookie="stolen")
    await refused(thief)
    await mine.disconnect()


async def test_reset_lets_the_next_device_take_the_seat_and_closes_the_old_one(ws_app):  # noqa: F811
    st = await db(Stage)(judges=2)
    link = await db(services.seat_link_issue)(actor=st.host, seat=st.seats[1], now=timezone.now())
    old, ok, _ = await connect(ws_app, st.event, "judge", f"&link={link}&device=lost-phone")
    await old.receive_json_from(timeout=5)
    await db(services.seat_device_reset)(actor=st.host, seat=st.seats[1], now=timezone.now())
    entry = await db(AuditEntry.objects.filter(action=AuditAction.SEAT_UNBIND).first)()
    assert entry is not None and entry.actor_id == st.tree.city_organiser.pk and entry.data["seat_number"] == 2
    new, ok, _ = await connect(ws_app, st.event, "judge", f"&link={link}&device=spare-phone")
    assert ok and (await until(new, lambda m: m["type"] == "state"))["me"]["seat"] == 2
    await db(services.display_rotate)(actor=st.host, event=st.event, now=timezone.now())  # any change
    out = await old.receive_output(timeout=5)
    while out["type"] != "websocket.close":
        out = await old.receive_output(timeout=5)
    assert out["code"] == 4403
    await new.disconnect()


def _post_unbind(client, st):
    return client.post(reverse("stage:manage_action", args=[st.event.pk, "unbind"]), {"seat": st.seats[1].pk})


def test_only_the_events_organiser_resets_a_binding_on_the_manage_page():
    st = Stage(judges=2)
    raw = services.seat_link_issue(actor=st.host, seat=st.seats[1], now=T0)
    phone = Client()
    assert phone.get(reverse("stage:judge_link", args=[st.event.pk, raw])).status_code == 302
    other = Client()
    other.force_login(st.tree.organiser_a)
    assert _post_unbind(other, st).status_code == 403
    assert JudgeSeat.objects.get(pk=st.seats[1].pk).link_device
    host = Client()
    host.force_login(st.tree.city_organiser)
    page = host.get(reverse("stage:manage", args=[st.event.pk])).content.decode()
    assert "解除设备绑定" in page and "data-confirm" in page
    assert _post_unbind(host, st).status_code == 302
    assert JudgeSeat.objects.get(pk=st.seats[1].pk).link_device == ""
    spare = Client()
    assert spare.get(reverse("stage:judge_link", args=[st.event.pk, raw])).status_code == 302
    refused_page = phone.get(reverse("stage:judge", args=[st.event.pk]))
    assert refused_page.status_code == 403 and "另一台设备" in refused_page.content.decode()


def test_a_team_link_reset_is_logged_and_frees_the_device():
    f = Final()
    raw = services.team_link_issue(actor=f.host, team=f.teams[0], now=timezone.now())
    first, second = Client(), Client()
    assert first.get(f"/stage/events/{f.event.pk}/team/link/{raw}/").status_code == 302
    assert second.get(f"/stage/events/{f.event.pk}/team/link/{raw}/").status_code == 403
    services.team_device_reset(actor=f.host, team=f.teams[0], now=timezone.now())
    assert AuditEntry.objects.filter(action=AuditAction.TEAM_UNBIND, data__team=1).exists()
    assert Team.objects.get(pk=f.teams[0].pk).link_device == ""
    assert second.get(f"/stage/events/{f.event.pk}/team/link/{raw}/").status_code == 302
