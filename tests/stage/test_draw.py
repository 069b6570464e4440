"""The commit-reveal draw: reproducible from the seed and the public input, bound to the commitment."""

import hashlib

import pytest
from django.core.management import call_command

from stage import draw, services
from stage.errors import DrawError
from tests.stage.factories import T0, Stage

pytestmark = pytest.mark.django_db


def test_order_is_a_pure_function_of_seed_and_public_input():
    cats = [("五老组", ["A1", "A2", "A3"]), ("小学组", ["B1", "B2", "B3", "B4"])]
    one = draw.draw_order("seed-x", "2026-12-05 福彩3D 123", cats)
    assert one == draw.draw_order("seed-x", "2026-12-05 福彩3D 123", cats)
    assert one[:3] != one[3:] and set(one[:3]) == {"A1", "A2", "A3"}  # categories keep their order
    assert len({tuple(draw.draw_order("seed-x", f"input {i}", cats)) for i in range(20)}) > 1
    # hand check of the published recipe: sort by HMAC-SHA256(seed, input|code)
    import hmac

    key = lambda c: hmac.new(b"seed-x", f"2026-12-05 福彩3D 123|{c}".encode(), hashlib.sha256).hexdigest()  # noqa: E731
    assert one[3:] == sorted(["B1", "B2", "B3", "B4"], key=key)


def test_stored_order_recomputes_from_the_revealed_seed_and_matches_the_commitment(capsys):
    st = Stage(performers=6, draw=False)
    services.draw_commit(actor=st.host, event_id=st.event.pk, public_input_rule="12月5日福彩3D", now=T0)
    event = st.refresh()
    assert len(event.draw_commitment) == 64 and event.drawn_at is None
    order = services.draw_perform(actor=st.host, event_id=event.pk, public_input="581", now=T0)
    event = st.refresh()
    assert hashlib.sha256(event.draw_seed.encode()).hexdigest() == event.draw_commitment
    expected = draw.draw_order(
        event.draw_seed, "581", [("五老组", []), ("中学组", []), ("小学组", sorted(p.code for p in st.performers))]
    )
    assert [p.code for p in order] == expected
    call_command("stage_draw_verify", str(event.pk))
    out = capsys.readouterr().out
    assert "一致" in out and " ".join(expected) in out


def test_roster_is_frozen_after_the_commitment_and_the_draw_happens_once():
    st = Stage(performers=3, draw=False)
    services.draw_commit(actor=st.host, event_id=st.event.pk, public_input_rule="x", now=T0)
    with pytest.raises(DrawError):
        services.performer_add(actor=st.host, event=st.event, category="小学组", name="迟到者", now=T0)
    services.draw_perform(actor=st.host, event_id=st.event.pk, public_input="1", now=T0)
    with pytest.raises(DrawError):
        services.draw_perform(actor=st.host, event_id=st.event.pk, public_input="2", now=T0)


def test_a_performer_changed_behind_the_services_back_blocks_the_draw():
    st = Stage(performers=3, draw=False)
    services.draw_commit(actor=st.host, event_id=st.event.pk, public_input_rule="x", now=T0)
    st.performers[0].__class__.objects.filter(pk=st.performers[0].pk).update(code="ZZ")
    with pytest.raises(DrawError):
        services.draw_perform(actor=st.host, event_id=st.event.pk, public_input="1", now=T0)
