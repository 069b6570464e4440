"""Reads of the judging app. Anything a judge sees goes through `blind_entry_view`, which carries no
identity field by construction."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import Membership, Organization, OrgKind, Role, User
from accounts.selectors import org_district, org_school, scope_for, student_class, under_paths_q

from . import aggregation
from .models import (
    Assignment,
    Award,
    EntrantKind,
    Entry,
    InvitationStatus,
    Round,
    RoundEntry,
    RoundStatus,
    Score,
    ScoreStatus,
    SubmissionContest,
    TeamInvitation,
)

# --- permissions ------------------------------------------------------------------------------


def can_manage_contest(user: User, contest: SubmissionContest) -> bool:
    return user.is_authenticated and scope_for(user).manages(contest.owner_org)


def managed_contests(user: User) -> QuerySet[SubmissionContest]:
    scope = scope_for(user)
    if scope.is_admin:
        return SubmissionContest.objects.all()
    return SubmissionContest.objects.filter(under_paths_q(scope.managed_paths, "owner_org"))


def entries_under_q(paths, field: str = "") -> Q:
    """Entries (reached by `field`, e.g. "entry"; "" for Entry itself) inside the region of any of
    `paths`: their school's, or for an entry without a school (a district's own unit) their district's."""
    pre = f"{field}__" if field else ""
    return under_paths_q(paths, f"{pre}school") | (
        Q(**{f"{pre}school__isnull": True}) & under_paths_q(paths, f"{pre}district")
    )


def student_is_eligible(user: User, contest: SubmissionContest) -> bool:
    if EntrantKind.STUDENT not in contest.kinds:
        return False
    klass = student_class(user)
    if klass is None or not klass.is_within(contest.owner_org):
        return False
    return not contest.grade_bands or klass.grade_band in contest.grade_bands


def contests_for_student(user: User) -> list[SubmissionContest]:
    klass = student_class(user)
    if klass is None:
        return []
    contests = SubmissionContest.objects.filter(owner_org_id__in=klass.ancestor_ids()).order_by("-closes_at")
    return [
        c
        for c in contests
        if EntrantKind.STUDENT in c.kinds and (not c.grade_bands or klass.grade_band in c.grade_bands)
    ]


def entry_for_student(user: User, contest: SubmissionContest) -> Entry | None:
    return (
        Entry.objects.filter(contest=contest)
        .filter(Q(author=user) | Q(team_members=user))
        .distinct()
        .prefetch_related("team_members")
        .first()
    )


def pending_invitations(*, student: User, contest: SubmissionContest | None = None):
    """Team invitations waiting for `student`'s answer (in one contest, or all)."""
    qs = TeamInvitation.objects.filter(invitee=student, status=InvitationStatus.PENDING).select_related(
        "entry__contest", "entry__author"
    )
    return qs.filter(entry__contest=contest) if contest is not None else qs


def student_school_and_district(user: User) -> tuple[Organization | None, Organization | None]:
    klass = student_class(user)
    if klass is None:
        return None, None
    return org_school(klass), org_district(klass)


def judge_orgs(user_ids) -> dict[int, tuple[Organization | None, Organization | None]]:
    """{judge id: (school, district)} from the judge's membership (a judge attached at city level has
    neither)."""
    out: dict[int, tuple[Organization | None, Organization | None]] = dict.fromkeys(user_ids, (None, None))
    for m in Membership.objects.filter(user_id__in=user_ids, role=Role.JUDGE, org__isnull=False).select_related("org"):
        school = org_school(m.org) if m.org.kind not in (OrgKind.CITY, OrgKind.DISTRICT) else None
        district = org_district(m.org) if m.org.kind != OrgKind.CITY else None
        prev_school, prev_district = out.get(m.user_id, (None, None))
        out[m.user_id] = (school or prev_school, district or prev_district)
    return out


# --- judge side (blind) -----------------------------------------------------------------------


def submission_contests_open_for_student(user: User) -> list[SubmissionContest]:
    """Essay/works contests taking entries now from this student (for the home page)."""
    now = timezone.now()
    return [c for c in contests_for_student(user) if c.is_open(now)]


def entry_published_award(entry: Entry | None) -> Award | None:
    """The entry's award once the contest's awards are published (never a draft)."""
    if entry is None:
        return None
    return Award.objects.filter(entry=entry, published_at__isnull=False).first()


def submission_contests_home_for_student(user: User, now=None) -> list[dict]:
    """The student's home list: every essay/works contest for them that is open, upcoming or closed within the
    last 30 days, with its status, deadline, whether they have submitted, and a published award."""
    now = now or timezone.now()
    contests = [c for c in contests_for_student(user) if c.closes_at >= now - timedelta(days=30)]
    entries = {
        e.contest_id: e
        for e in Entry.objects.filter(author=user, contest__in=contests).prefetch_related("versions", "awards")
    }
    rows = []
    for c in contests:
        entry = entries.get(c.pk)
        submitted = bool(entry and any(not v.is_autosave for v in entry.versions.all()))
        award = next((a for a in entry.awards.all() if a.published_at), None) if entry else None
        status = "open" if c.is_open(now) else ("upcoming" if now < c.opens_at else "closed")
        rows.append({"contest": c, "status": status, "done": submitted, "award": award})
    return rows


def judge_queue_summary(user: User) -> dict:
    """The judge's assigned entries in rounds now being judged, with progress."""
    assignments = (
        Assignment.objects.filter(judge=user, round__status=RoundStatus.JUDGING)
        .select_related("round__contest", "entry", "score")
        .order_by("round__contest_id", "round__order", "entry__code")
    )
    items = []
    scored = 0
    for a in assignments:
        score = getattr(a, "score", None)
        status = score.status if score else None
        if status == ScoreStatus.SUBMITTED:
            scored += 1
        items.append(
            {
                "assignment_id": a.pk,
                "code": a.entry.code,
                "round": a.round.name,
                "contest": a.round.contest.title,
                "status": status or "todo",
                "total": score.total if score else None,
            }
        )
    return {"assigned": len(items), "scored": scored, "items": items}


def judge_assignment(user: User, assignment_id: int) -> Assignment | None:
    return (
        Assignment.objects.filter(pk=assignment_id, judge=user)
        .select_related("round__contest__rubric", "entry")
        .first()
    )


def blind_entry_view(entry: Entry) -> dict:
    """What a judge may see of an entry: code, the judged version's title/text/file type. No author,
    team, school, district, original filename or timestamps."""
    version = entry.saved_version()
    return {
        "code": entry.code,
        "title": version.title if version else "",
        "body_html": version.body_html if version else "",
        "char_count": version.char_count if version else 0,
        "file_type": version.file_type if version else "",
        "has_file": bool(version and version.file),
    }


# --- organiser side ---------------------------------------------------------------------------


def round_totals(rnd: Round) -> list[tuple[int, int, Decimal]]:
    """(judge id, entry id, total) for every submitted score of the round."""
    return [
        (a.judge_id, a.entry_id, a.score.total)
        for a in Assignment.objects.filter(
            round=rnd, score__status=ScoreStatus.SUBMITTED, score__total__isnull=False
        ).select_related("score")
    ]


def round_results(rnd: Round) -> list[dict]:
    """One row per entry of the round, best first: totals per judge, the (trimmed, optionally
    standardised) score, spread, flag, completeness."""
    totals = round_totals(rnd)
    effective = aggregation.standardise(totals) if rnd.standardise else {(j, e): t for j, e, t in totals}
    by_entry: dict[int, list[Decimal]] = defaultdict(list)
    raw_by_entry: dict[int, list[Decimal]] = defaultdict(list)
    for j, e, t in totals:
        by_entry[e].append(effective[(j, e)])
        raw_by_entry[e].append(t)
    assigned = dict(
        Assignment.objects.filter(round=rnd).values("entry_id").annotate(n=Count("id")).values_list("entry_id", "n")
    )
    rows = []
    for re_ in RoundEntry.objects.filter(round=rnd).select_related(
        "entry__author", "entry__unit", "entry__school", "entry__district"
    ):
        e = re_.entry
        vals = by_entry.get(e.pk, [])
        rows.append(
            {
                "entry": e,
                "round_entry": re_,
                "totals": sorted(raw_by_entry.get(e.pk, []), reverse=True),
                "score": aggregation.trimmed_mean(vals),
                "spread": aggregation.spread(raw_by_entry.get(e.pk, [])),
                "scored": len(vals),
                "assigned": assigned.get(e.pk, 0),
                "complete": bool(vals) and len(vals) == assigned.get(e.pk, 0),
                "flagged": re_.flagged,
                "advanced": re_.advanced,
            }
        )
    rows.sort(key=lambda r: aggregation.ranking_key(score=r["score"], code=r["entry"].code))
    ranks = aggregation.competition_ranks({r["entry"].pk: r["score"] for r in rows if r["score"] is not None})
    for r in rows:
        r["rank"] = ranks.get(r["entry"].pk)
    return rows


def judge_progress(rnd: Round) -> list[dict]:
    rows = (
        Assignment.objects.filter(round=rnd)
        .values("judge_id", "judge__username", "judge__real_name")
        .annotate(assigned=Count("id"), scored=Count("id", filter=Q(score__status=ScoreStatus.SUBMITTED)))
        .order_by("judge__username")
    )
    out = []
    for r in rows:
        pct = round(100 * r["scored"] / r["assigned"]) if r["assigned"] else 0
        out.append(
            {
                "judge_id": r["judge_id"],
                "name": r["judge__real_name"] or r["judge__username"],
                "username": r["judge__username"],
                "assigned": r["assigned"],
                "scored": r["scored"],
                "percent": pct,
            }
        )
    return out


def judge_consistency(rnd: Round) -> list[dict]:
    """Each judge's mean total, spread (population sd), and distance from the panel consensus: for
    every entry they scored, their total minus the mean of the other judges' totals on it. `bias` is
    the mean signed distance (severe < 0 < lenient), `distance` the mean absolute one."""
    totals = round_totals(rnd)
    by_entry: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    by_judge: dict[int, list[Decimal]] = defaultdict(list)
    for j, e, t in totals:
        by_entry[e].append((j, t))
        by_judge[j].append(t)
    diffs: dict[int, list[Decimal]] = defaultdict(list)
    for _e, pairs in by_entry.items():
        for j, t in pairs:
            others = [t2 for j2, t2 in pairs if j2 != j]
            if others:
                diffs[j].append(t - sum(others) / len(others))
    people = {
        pk: (real_name, username)
        for pk, real_name, username in User.objects.filter(pk__in=by_judge).values_list("pk", "real_name", "username")
    }
    names = {pk: username for pk, (_real, username) in people.items()}
    out = []
    for j, vals in sorted(by_judge.items(), key=lambda kv: names.get(kv[0], "")):
        mean = sum(vals) / len(vals)
        sd = (sum((v - mean) ** 2 for v in vals) / len(vals)).sqrt()
        d = diffs.get(j, [])
        out.append(
            {
                "judge_id": j,
                "username": names.get(j, ""),
                # organisers read names; usernames are ids
                "name": people.get(j, ("", ""))[0] or names.get(j, ""),
                "count": len(vals),
                "mean": aggregation.q2(mean),
                "sd": aggregation.q2(sd),
                "bias": aggregation.q2(sum(d) / len(d)) if d else None,
                "distance": aggregation.q2(sum(abs(x) for x in d) / len(d)) if d else None,
            }
        )
    return out


def flagged_entries(rnd: Round) -> QuerySet[RoundEntry]:
    return RoundEntry.objects.filter(round=rnd, flagged=True).select_related("entry")


def draft_awards(contest: SubmissionContest) -> QuerySet[Award]:
    return Award.objects.filter(contest=contest).select_related(
        "entry__author", "entry__unit", "entry__school", "entry__district"
    )


def published_awards(contest: SubmissionContest) -> QuerySet[Award]:
    """The frozen, published award list (empty before publication), best rank first. Used by the
    results app for certificates and the public showcase (which must still honour consent_public)."""
    return (
        Award.objects.filter(contest=contest, published_at__isnull=False)
        .select_related("entry__author", "entry__unit", "entry__school", "entry__district", "contest")
        .prefetch_related("entry__team_members")
        .order_by("rank", "entry__code")
    )


def scores_for_export(contest: SubmissionContest) -> QuerySet[Score]:
    return (
        Score.objects.filter(assignment__round__contest=contest)
        .select_related(
            "assignment__round", "assignment__judge", "assignment__entry__author", "assignment__entry__school"
        )
        .prefetch_related("items__criterion")
        .order_by("assignment__round__order", "assignment__entry__code", "assignment__judge__username")
    )
