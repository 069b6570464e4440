import pytest

from .factories import approve_to, build_world, make_campaign, nominate


@pytest.fixture
def voting_world(db):
    """A campaign voting at city level with four candidates (one per school) standing there."""
    w = build_world()
    campaign = make_campaign(w)
    cands = []
    for i, klass in enumerate(w.classes):
        cand = nominate(campaign, w.students[klass.pk][0], actor=w.teachers[i])
        cands.append(approve_to(cand, "city", w))
    return w, campaign, cands


@pytest.fixture(autouse=True)
def _own_live_publisher(monkeypatch):
    """Each test gets its own live publisher (no loop or dedupe state from an earlier test), and nothing
    it still has pending runs after the test database is gone."""
    from honours import live

    fresh = live.Publisher()
    monkeypatch.setattr(live, "publisher", fresh)
    monkeypatch.setattr("honours.consumers.publisher", fresh)
    yield
    for p in {fresh, live.publisher}:
        if p.coalescer is not None:
            with p.coalescer.lock:
                p.coalescer.pending.clear()
