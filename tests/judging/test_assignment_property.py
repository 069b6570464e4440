"""The assignment planner: property-based over random schools, panel sizes and K."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from judging.assignment import AssignmentInfeasible, plan_assignment, verify_plan


@st.composite
def instances(draw, max_entries=12, max_judges=9, max_schools=5):
    n_schools = draw(st.integers(1, max_schools))
    entries = list(range(draw(st.integers(1, max_entries))))
    judges = [f"j{i}" for i in range(draw(st.integers(1, max_judges)))]
    k = draw(st.integers(1, 4))
    entry_school = {e: draw(st.integers(0, n_schools - 1)) for e in entries}
    # a judge may belong to no school (None) or one of the schools
    judge_school = {j: draw(st.one_of(st.none(), st.integers(0, n_schools - 1))) for j in judges}
    separate = draw(st.booleans())
    declared = draw(st.sets(st.tuples(st.sampled_from(entries), st.sampled_from(judges)), max_size=5))
    forbidden = {(e, j) for e in entries for j in judges if judge_school[j] == entry_school[e]} | declared
    groups = {j: ("school", judge_school[j]) for j in judges if separate and judge_school[j] is not None}
    return entries, judges, k, forbidden, groups


METHODS = st.sampled_from(["min_cost", "max_flow"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), METHODS)
def test_every_plan_gives_k_judges_balanced_and_conflict_free(instance, method):
    entries, judges, k, forbidden, groups = instance
    try:
        plan = plan_assignment(entries=entries, judges=judges, k=k, forbidden=forbidden, groups=groups, method=method)
    except AssignmentInfeasible as exc:
        assert exc.message  # reported in words, never a half plan
        return
    assert verify_plan(plan, entries=entries, judges=judges, k=k, forbidden=forbidden, groups=groups) == []
    loads = [sum(j in js for js in plan.values()) for j in judges]
    assert max(loads) - min(loads) <= 1
    for e, js in plan.items():
        assert len(set(js)) == k
        assert not any((e, j) in forbidden for j in js)
        school_groups = [groups[j] for j in js if j in groups]
        assert len(school_groups) == len(set(school_groups))


def _brute_force_feasible(entries, judges, k, forbidden, groups):
    options = []
    for e in entries:
        opts = []
        for combo in itertools.combinations(judges, k):
            if any((e, j) in forbidden for j in combo):
                continue
            gs = [groups.get(j, ("self", j)) for j in combo]
            if len(gs) == len(set(gs)):
                opts.append(combo)
        options.append(opts)
    for choice in itertools.product(*options):
        loads = [sum(j in c for c in choice) for j in judges]
        if max(loads) - min(loads) <= 1:
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(instances(max_entries=4, max_judges=4, max_schools=3), METHODS)
def test_planner_reports_infeasible_exactly_when_no_valid_plan_exists(instance, method):
    entries, judges, k, forbidden, groups = instance
    expected = _brute_force_feasible(entries, judges, k, forbidden, groups)
    try:
        plan_assignment(entries=entries, judges=judges, k=k, forbidden=forbidden, groups=groups, method=method)
        found = True
    except AssignmentInfeasible:
        found = False
    assert found == expected


def test_panel_smaller_than_k_is_reported_in_chinese():
    with pytest.raises(AssignmentInfeasible, match="少于每份作品需要的 3 人"):
        plan_assignment(entries=[1, 2], judges=["a", "b"], k=3)


def test_entry_whose_only_judges_are_its_schoolmates_is_named():
    forbidden = {(1, "a"), (1, "b")}
    with pytest.raises(AssignmentInfeasible) as exc:
        plan_assignment(entries=[1, 2], judges=["a", "b", "c"], k=2, forbidden=forbidden)
    assert exc.value.entries == [1]


def test_loads_differ_by_at_most_one():
    plan = plan_assignment(entries=list(range(10)), judges=["a", "b", "c", "d"], k=3)
    loads = sorted(sum(j in js for js in plan.values()) for j in "abcd")
    assert loads == [7, 7, 8, 8]


@pytest.mark.parametrize("method", ["min_cost", "max_flow"])
def test_soft_costs_steer_judges_to_other_districts_when_possible(method):
    # two district-A entries, judges a1, a2 from A and b1, b2 from B: balance allows loads 0 or 1,
    # so both entries can go to B judges
    cost = {(e, j): 1 for e in range(2) for j in ("a1", "a2")}
    plan = plan_assignment(entries=[0, 1], judges=["a1", "a2", "b1", "b2"], k=1, soft_cost=cost, method=method)
    assert sorted(j for js in plan.values() for j in js) == ["b1", "b2"]


@pytest.mark.parametrize("method", ["min_cost", "max_flow"])
def test_soft_costs_never_block_a_feasible_plan(method):
    cost = {(e, j): 1 for e in range(4) for j in ("a1", "a2")}
    plan = plan_assignment(entries=[0, 1, 2, 3], judges=["a1", "a2", "b1", "b2"], k=1, soft_cost=cost, method=method)
    assert sorted(j for js in plan.values() for j in js) == ["a1", "a2", "b1", "b2"]


def test_a_large_round_is_planned_quickly():
    import random
    import time

    rng = random.Random(7)
    entries = list(range(1500))
    judges = [f"j{i}" for i in range(30)]
    school = {e: rng.randrange(50) for e in entries} | {j: rng.randrange(50) for j in judges}
    forbidden = {(e, j) for e in entries for j in judges if school[e] == school[j]}
    started = time.monotonic()
    plan = plan_assignment(entries=entries, judges=judges, k=3, forbidden=forbidden)
    assert time.monotonic() - started < 20
    assert verify_plan(plan, entries=entries, judges=judges, k=3, forbidden=forbidden) == []
