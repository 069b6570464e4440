"""Results pages and the results export answer 404 for a contest of another region, as every other
contest page does, so its title never leaks."""

import pytest
from django.urls import reverse

from .factories import make_contest


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["competitions:contest_results", "competitions:contest_export"])
@pytest.mark.parametrize("who", ["teacher_b", "organiser_b"])
def test_other_regions_contest_results_are_not_found(client, tree, name, who):
    contest = make_contest(owner_org=tree.district_a, title="如东县机密竞赛")
    client.force_login(getattr(tree, who))
    response = client.get(reverse(name, args=[contest.pk]))
    assert response.status_code == 404
    assert "如东县机密竞赛".encode() not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["competitions:contest_results", "competitions:contest_export"])
@pytest.mark.parametrize("who", ["teacher_a", "organiser_a", "city_organiser"])
def test_own_regions_contest_results_are_served(client, tree, name, who):
    contest = make_contest(owner_org=tree.district_a, title="如东县竞赛")
    client.force_login(getattr(tree, who))
    assert client.get(reverse(name, args=[contest.pk])).status_code == 200
