"""Paper generation and answer mapping (pure reads: no writes here).

A paper is drawn from a seeded `random.Random`, so the stored seed reproduces it as long as the bank's
published pool is unchanged; the attempt's frozen items are the record either way."""

from __future__ import annotations

import random
from collections.abc import Container
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import GradeBand
from questionbank.models import QuestionRevision, QuestionType, Topic
from questionbank.selectors import published_revisions

from .errors import PaperUnsatisfiable, QuestionsReserved
from .models import Contest, PaperMode, PaperRule
from .secrecy import practice_fixed_overlap, reserved_for_contest

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE)


@dataclass(frozen=True)
class PaperSlot:
    revision: QuestionRevision
    points: Decimal
    option_order: list


def rule_pool(rule: PaperRule, grade_band: str | None, reserved: Container[int] = ()) -> list[QuestionRevision]:
    """Candidates for a rule, in a stable order (by revision id) so a seed reproduces the draw.
    Questions in `reserved` (held secret by a formal contest) are left out."""
    pool = published_revisions(
        topic_ids=[rule.topic_id], qtype=rule.qtype, difficulty=rule.difficulty or None, grade_band=grade_band
    )
    return [r for r in pool if r.question_id not in reserved]


def paper_shortfalls(contest: Contest) -> list[str]:
    """Human-readable reasons the paper cannot be drawn for some audience grade band; [] when it can."""
    problems: list[str] = []
    reserved = reserved_for_contest(contest)
    if contest.paper_mode == PaperMode.FIXED:
        if not contest.fixed_questions.exists():
            problems.append(_("固定试卷还没有题目。"))
        return problems
    rules = list(contest.rules.select_related("topic"))
    if not rules:
        return [_("还没有设置抽题规则。")]
    bands = contest.grade_bands or list(GradeBand.values)
    for band in bands:
        band_label = GradeBand(band).label
        union: set[int] = set()
        needed = 0
        for index, rule in enumerate(rules, start=1):
            pool = rule_pool(rule, band, reserved)
            union.update(r.question_id for r in pool)
            needed += rule.count
            if len(pool) < rule.count:
                problems.append(
                    _(
                        "规则%(index)s（%(rule)s）在%(band)s学段只有 %(have)s 道已发布题目，需要 %(need)s 道，还差 %(short)s 道。"
                    )
                    % {
                        "index": index,
                        "rule": rule.describe(),
                        "band": band_label,
                        "have": len(pool),
                        "need": rule.count,
                        "short": rule.count - len(pool),
                    }
                    + _reserved_note(rule, band, reserved)
                )
        if len(union) < needed and not problems:
            problems.append(
                _("%(band)s学段：各规则的题目有重叠，共只有 %(have)s 道不同的题，需要 %(need)s 道。")
                % {"band": band_label, "have": len(union), "need": needed}
            )
    return problems


def paper_draw(*, contest: Contest, grade_band: str | None, seed: int) -> list[PaperSlot]:
    """The student's paper: rules drawn in order without repeating a question, then question order and
    option order shuffled (each as configured). Raises PaperUnsatisfiable naming the rule that ran short."""
    rng = random.Random(seed)
    picks: list[tuple[QuestionRevision, Decimal]] = []
    reserved = reserved_for_contest(contest)
    if contest.paper_mode == PaperMode.FIXED:
        picks = [(fq.revision, fq.points) for fq in contest.fixed_questions.select_related("revision")]
        if any(revision.question_id in reserved for revision, _points in picks):
            raise QuestionsReserved("；".join(practice_fixed_overlap(contest)))
    else:
        picks = _draw_by_rules(contest, grade_band, reserved, rng)
    if not picks:
        raise PaperUnsatisfiable(_("试卷没有题目。"))
    if contest.shuffle_questions:
        rng.shuffle(picks)
    slots = []
    for revision, points in picks:
        order = [o["key"] for o in revision.options or []]
        if contest.shuffle_options and revision.qtype in CHOICE_TYPES:
            rng.shuffle(order)
        slots.append(PaperSlot(revision=revision, points=points, option_order=order))
    return slots


def _rule_pools(rules: list[PaperRule], grade_band: str | None) -> list[list[tuple[int, int]]]:
    """Each rule's candidates as (revision id, question id), ordered by revision id: the same set and
    order as rule_pool, from one read of the topic tree and one read of the bank (no model rows, so a
    start burst does not build hundreds of revisions to keep twenty)."""
    if not rules:
        return []
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Topic.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    topics = [_subtree(rule.topic_id, children) for rule in rules]
    wanted = Q()
    for rule, topic_ids in zip(rules, topics, strict=True):
        match = Q(topic_id__in=topic_ids, qtype=rule.qtype)
        wanted |= match & Q(difficulty=rule.difficulty) if rule.difficulty else match
    rows = published_revisions(grade_band=grade_band).filter(wanted).order_by("pk")
    rows = list(rows.values_list("pk", "question_id", "topic_id", "qtype", "difficulty"))
    return [
        [
            (pk, question_id)
            for pk, question_id, topic_id, qtype, difficulty in rows
            if topic_id in topic_ids and qtype == rule.qtype and (not rule.difficulty or difficulty == rule.difficulty)
        ]
        for rule, topic_ids in zip(rules, topics, strict=True)
    ]


def _subtree(topic_id: int, children: dict[int | None, list[int]]) -> set[int]:
    found, frontier = {topic_id}, [topic_id]
    while frontier:
        frontier = [c for t in frontier for c in children.get(t, ()) if c not in found]
        found.update(frontier)
    return found


def _draw_by_rules(contest: Contest, grade_band: str | None, reserved, rng) -> list[tuple[QuestionRevision, Decimal]]:
    """Rules drawn in order without repeating a question. Samples ids (the same positions in the same
    ordered pool as before, so a stored seed still reproduces the paper), then loads only the picks."""
    rules = list(contest.rules.all())
    used: set[int] = set()
    chosen: list[tuple[int, Decimal]] = []
    for index, (rule, pool) in enumerate(zip(rules, _rule_pools(rules, grade_band), strict=True), start=1):
        pool = [(pk, qid) for pk, qid in pool if qid not in reserved and qid not in used]
        if len(pool) < rule.count:
            raise PaperUnsatisfiable(
                _("规则%(index)s（%(rule)s）的已发布题目不足：需要 %(need)s 道，只有 %(have)s 道。")
                % {"index": index, "rule": rule.describe(), "need": rule.count, "have": len(pool)}
            )
        for pk, question_id in rng.sample(pool, rule.count):
            used.add(question_id)
            chosen.append((pk, rule.points))
    revisions = QuestionRevision.objects.in_bulk([pk for pk, _points in chosen])
    return [(revisions[pk], points) for pk, points in chosen]


def _reserved_note(rule: PaperRule, band: str, reserved: dict) -> str:
    """Names the formal contests whose secrecy takes questions out of a practice rule's pool."""
    if not reserved:
        return ""
    held = [r for r in rule_pool(rule, band) if r.question_id in reserved]
    titles = sorted({f"《{res.title}》" for r in held for res in reserved[r.question_id]})
    if not titles:
        return ""
    return _("其中 %(n)s 道被正式竞赛%(titles)s保密使用，练习不能抽取。") % {
        "n": len(held),
        "titles": "、".join(titles),
    }


def display_options(revision: QuestionRevision, option_order: list) -> list[dict]:
    """Options relabelled A, B, C… in the order this student sees them."""
    return options_relabelled(revision.options, option_order)


def options_relabelled(options: list | None, option_order: list) -> list[dict]:
    """display_options from a revision's raw options list (for reads that skip building the revision)."""
    text = {o["key"]: o.get("text", "") for o in options or []}
    return [{"key": LETTERS[i], "text": text.get(k, "")} for i, k in enumerate(option_order)]


def to_original_keys(answer, option_order: list):
    """Display keys → the revision's own option keys (for scoring and for the review)."""
    return [option_order[LETTERS.index(k)] for k in answer]


def to_display_keys(keys, option_order: list) -> list[str]:
    return sorted(LETTERS[option_order.index(k)] for k in keys if k in option_order)


def available_counts(*, topic_id: int, qtype: str, difficulty: str, grade_bands: list[str]) -> dict:
    """Published questions a rule could draw from, per grade band of the audience (all bands if none):
    the smallest is what the rule can safely ask for."""
    bands = [b for b in grade_bands if b in GradeBand.values] or list(GradeBand.values)
    per_band = {
        b: published_revisions(topic_ids=[topic_id], qtype=qtype or None, difficulty=difficulty or None, grade_band=b)
        .order_by()
        .count()
        for b in bands
    }
    return {"per_band": {str(GradeBand(b).label): n for b, n in per_band.items()}, "min": min(per_band.values())}
