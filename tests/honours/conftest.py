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
