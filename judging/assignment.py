"""Conflict-free, balanced judge assignment as a min-cost flow (the way HotCRP's autoassigner works).

Pure: no database. The service layer turns rows into `entries`, `judges`, `forbidden` and `groups`.

Network (every arc has capacity; demand −N·K at the source, +N·K at the sink):

    source ──K──▶ entry ──1──▶ (entry, group) ──1──▶ judge ──L──▶ sink
                                                       └──1──▶ extra ──r──▶ sink

(a judge alone in their group is joined to the entry directly).

* entry → (entry, group) with capacity 1 means at most one judge of a "colleague group" (same school,
  or a declared pair) per entry; a judge alone is a group of one.
* (entry, group) → judge exists only when the judge may judge the entry (not own school/district, no
  declared conflict): conflicts are absent arcs, never penalties.
* L = ⌊N·K / J⌋ and r = N·K − J·L. Every judge's base arc carries at most L and the shared `extra` node
  at most r, so a flow of N·K saturates every base arc: each judge gets L or L+1 entries.
* Arc costs only express preferences (e.g. avoid same-district judges in city rounds); the hard rules
  are structural, so any feasible flow satisfies them and `verify_plan` re-checks it independently.
* Small rounds are solved as an exact min-cost flow (network simplex); large ones with preflow-push
  max flow, trying first without any costly arc (see `plan_assignment`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable

import networkx as nx
from networkx.algorithms.flow import preflow_push


class AssignmentInfeasible(Exception):
    """The panel cannot satisfy the constraints; `message` is a Chinese explanation for organisers."""

    def __init__(self, message: str, *, entries: Iterable[Hashable] = ()):
        super().__init__(message)
        self.message = message
        self.entries = list(entries)


def _infeasible_reasons(entries, judges, k, forbidden, groups) -> tuple[str, list]:
    group_of = {j: groups.get(j, ("self", j)) for j in judges}
    short = []
    for e in entries:
        eligible_groups = {group_of[j] for j in judges if (e, j) not in forbidden}
        if len(eligible_groups) < k:
            short.append(e)
    return (
        f"评委组无法满足约束：每份作品需要 {k} 名评委，"
        + (f"有 {len(short)} 份作品可用的（非同校、无回避、非同组）评委不足 {k} 名。" if short else "")
        + "请增加评委、减少每份作品评委数或调整回避设置。",
        short,
    )


# Above this many judge arcs the exact min-cost flow (network simplex) gets slow (≈13 s for 1,000
# entries × 30 judges); larger rounds use preflow-push max flow, which is ≈4 s for 3,000 × 40.
MIN_COST_ARC_LIMIT = 20_000


def _build_network(entries, judges, k, forbidden, groups, soft_cost, *, skip_costly: bool):
    n, j_count = len(entries), len(judges)
    total = n * k
    base, extra = divmod(total, j_count)
    g = nx.DiGraph()
    src, sink, extra_node = ("src",), ("sink",), ("extra",)
    g.add_node(src, demand=-total)
    g.add_node(sink, demand=total)
    g.add_edge(extra_node, sink, capacity=extra, weight=0)
    for j in judges:
        jn = ("j", j)
        if base:
            g.add_edge(jn, sink, capacity=base, weight=0)
        g.add_edge(jn, extra_node, capacity=1, weight=0)
    group_size: dict = defaultdict(int)
    for j in judges:
        group_size[groups.get(j, ("self", j))] += 1
    arcs = 0
    for e in entries:
        en = ("e", e)
        g.add_edge(src, en, capacity=k, weight=0)
        for j in judges:
            if (e, j) in forbidden:
                continue
            cost = int(soft_cost.get((e, j), 0))
            if skip_costly and cost > 0:
                continue
            grp = groups.get(j, ("self", j))
            if group_size[grp] == 1:  # a judge alone in their group needs no group node
                g.add_edge(en, ("j", j), capacity=1, weight=cost)
            else:
                gn = ("eg", e, grp)
                if not g.has_edge(en, gn):
                    g.add_edge(en, gn, capacity=1, weight=0)
                g.add_edge(gn, ("j", j), capacity=1, weight=cost)
            arcs += 1
    return g, arcs, (base, extra)


def _solve(g, arcs, total, method) -> dict | None:
    """Return a flow dict carrying `total` units, or None when no such flow exists."""
    if method == "min_cost" or (method == "auto" and arcs <= MIN_COST_ARC_LIMIT):
        try:
            return nx.min_cost_flow(g)
        except nx.NetworkXUnfeasible:
            return None
    value, flow = nx.maximum_flow(g, ("src",), ("sink",), flow_func=preflow_push)
    return flow if value == total else None


def plan_assignment(
    *,
    entries: list[Hashable],
    judges: list[Hashable],
    k: int,
    forbidden: set[tuple[Hashable, Hashable]] = frozenset(),
    groups: dict[Hashable, Hashable] | None = None,
    soft_cost: dict[tuple[Hashable, Hashable], int] | None = None,
    method: str = "auto",
) -> dict[Hashable, list[Hashable]]:
    """Return {entry: [judge, ...]} with exactly k judges per entry, loads within ±1, no forbidden pair
    and no two judges of one group on the same entry. Raises AssignmentInfeasible otherwise.

    method: "min_cost" (network simplex, minimises the soft costs exactly), "max_flow" (preflow-push;
    soft costs are honoured lexicographically: first try without any costly arc, then with all), or
    "auto" (min_cost for small rounds, max_flow above MIN_COST_ARC_LIMIT)."""
    groups = groups or {}
    soft_cost = soft_cost or {}
    if not entries:
        return {}
    if k < 1:
        raise AssignmentInfeasible("每份作品的评委数至少为 1。")
    if len(set(judges)) < k:
        raise AssignmentInfeasible(f"评委组只有 {len(set(judges))} 人，少于每份作品需要的 {k} 人，无法分配。")
    judges = list(dict.fromkeys(judges))
    total = len(entries) * k

    g, arcs, (base, extra) = _build_network(entries, judges, k, forbidden, groups, soft_cost, skip_costly=False)
    use_min_cost = method == "min_cost" or (method == "auto" and arcs <= MIN_COST_ARC_LIMIT)
    flow = None
    if not use_min_cost and any(v > 0 for v in soft_cost.values()):
        cheap, cheap_arcs, _ = _build_network(entries, judges, k, forbidden, groups, soft_cost, skip_costly=True)
        flow = _solve(cheap, cheap_arcs, total, "max_flow")
    if flow is None:
        flow = _solve(g, arcs, total, "min_cost" if use_min_cost else "max_flow")
    if flow is None:
        message, short = _infeasible_reasons(entries, judges, k, forbidden, groups)
        if not short:
            message = (
                f"评委组无法在负担均衡（每人 {base}–{base + (1 if extra else 0)} 份）且满足回避的前提下"
                f"为每份作品分配 {k} 名评委。请增加评委或调整回避设置。"
            )
        raise AssignmentInfeasible(message, entries=short)

    plan: dict[Hashable, list[Hashable]] = defaultdict(list)
    for e in entries:
        for node, f in flow[("e", e)].items():
            if f <= 0:
                continue
            if node[0] == "j":
                plan[e].append(node[1])
                continue
            for jn, f2 in flow[node].items():
                if f2 > 0:
                    plan[e].append(jn[1])
    order = {j: i for i, j in enumerate(judges)}
    plan = {e: sorted(plan.get(e, []), key=order.__getitem__) for e in entries}
    problems = verify_plan(plan, entries=entries, judges=judges, k=k, forbidden=forbidden, groups=groups)
    if problems:  # would be a bug in the network above; never hand out a bad plan
        raise AssignmentInfeasible("分配结果未通过校验：" + "；".join(problems[:5]))
    return plan


def verify_plan(
    plan: dict[Hashable, list[Hashable]],
    *,
    entries: list[Hashable],
    judges: list[Hashable],
    k: int,
    forbidden: set[tuple[Hashable, Hashable]] = frozenset(),
    groups: dict[Hashable, Hashable] | None = None,
) -> list[str]:
    """Independent check of a plan; returns the list of violated rules (empty when valid)."""
    groups = groups or {}
    problems = []
    load = dict.fromkeys(judges, 0)
    for e in entries:
        assigned = plan.get(e, [])
        if len(assigned) != k or len(set(assigned)) != k:
            problems.append(f"作品 {e} 分到 {len(set(assigned))} 名评委（应为 {k}）")
        seen_groups = set()
        for j in assigned:
            if j not in load:
                problems.append(f"评委 {j} 不在评委组")
                continue
            load[j] += 1
            if (e, j) in forbidden:
                problems.append(f"评委 {j} 须回避作品 {e}")
            grp = groups.get(j, ("self", j))
            if grp in seen_groups:
                problems.append(f"作品 {e} 有两名同组评委")
            seen_groups.add(grp)
    if load and max(load.values()) - min(load.values()) > 1:
        problems.append("评委负担相差超过 1 份")
    return problems
