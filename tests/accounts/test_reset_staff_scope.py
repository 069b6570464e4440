"""A district organiser may not reset the password of (or otherwise change) a staff account that serves
contests or panels outside their region — a judge whose membership sits in 如东 but who sits on a city
panel is the city's to reset. Site admins, and organisers who manage every duty, still may."""

import pytest
from django.urls import reverse

from accounts.duties import account_manageable, duty_orgs
from accounts.selectors import scope_for
from judging import services as judging
from tests.factories import Tree, make_judge
from tests.judging.factories import make_contest

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Xq7-new-Secret-2026"


@pytest.fixture
def tree():
    tree = Tree()
    for user in (tree.organiser_a, tree.city_organiser):
        user.is_staff = True
        user.save()
    return tree


def on_panel(tree, judge, *, owner_org, organiser):
    contest = make_contest(tree)
    contest.owner_org = owner_org
    contest.save(update_fields=["owner_org"])
    rnd = judging.round_create(actor=organiser, contest=contest, name="复评", level="city", judges_per_entry=1)
    judging.round_set_panel(actor=organiser, rnd=rnd, judge_ids=[judge.pk])
    return contest


def reset(client, actor, judge) -> int:
    client.force_login(actor)
    target = reverse("admin:auth_user_password_change", args=[judge.pk])
    status = client.post(target, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code
    client.logout()
    return status


@pytest.fixture
def city_judge(tree):
    judge = make_judge(tree.district_a, username="rudong_judge")
    on_panel(tree, judge, owner_org=tree.city, organiser=tree.city_organiser)
    return judge


def test_district_organiser_cannot_reset_a_judge_serving_a_city_panel(client, tree, city_judge):
    assert reset(client, tree.organiser_a, city_judge) == 403
    city_judge.refresh_from_db()
    assert not city_judge.check_password(NEW_PASSWORD)
    assert not account_manageable(scope=scope_for(tree.organiser_a), target=city_judge)


@pytest.mark.parametrize("who", ["city_organiser", "admin"])
def test_an_organiser_over_every_duty_or_an_admin_may_reset(client, tree, city_judge, who, django_user_model):
    actor = tree.city_organiser if who == "city_organiser" else django_user_model.objects.create_superuser("boss")
    assert reset(client, actor, city_judge) == 302
    city_judge.refresh_from_db()
    assert city_judge.check_password(NEW_PASSWORD)


def test_district_organiser_still_resets_a_judge_serving_only_their_district(client, tree):
    judge = make_judge(tree.district_a, username="local_judge")
    on_panel(tree, judge, owner_org=tree.district_a, organiser=tree.organiser_a)
    assert [o.pk for o in duty_orgs(judge)] == [tree.district_a.pk]
    assert reset(client, tree.organiser_a, judge) == 302
    judge.refresh_from_db()
    assert judge.check_password(NEW_PASSWORD)
