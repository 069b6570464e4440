"""Vote benchmark: the real server (daphne, PostgreSQL), N voters — accounts with Bearer tokens and
family codes — casting concurrently through POST /api/v1/honours/campaigns/{id}/votes, then the same
load against the bare ASGI app (bench/hello_asgi.py) under the same server, alternating in rounds.

Afterwards it checks the contract end to end: every 201 is exactly one row of the log (0 lost, 0
double counts), the hash chain verifies, the daily counters equal the log, and the tallies per
candidate equal the acknowledged votes. A share of requests deliberately repeat a (voter, candidate)
pair, which must be answered 409 and never counted.

Then (unless --anomaly-votes 0) it writes a synthetic log of that many votes with PostgreSQL's
generate_series and times `anomalies_detect` over it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qs_bench_votes .venv/bin/python bench/votes.py \
        --voters 2000 --connections 64 --seconds 20 --anomaly-votes 1000000"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.answers import Conn, ensure_postgres_database, stop, summary  # noqa: E402
from bench.harness import settle_database, start_daphne_group  # noqa: E402

CANDIDATES = 20


def cpu_seconds(procs) -> float:
    """User + system CPU the server processes have used so far (Linux /proc)."""
    total = 0.0
    for proc in procs:
        with open(f"/proc/{proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def prepare(voters: int, accounts: int) -> tuple[int, list[dict]]:
    """A bench campaign voting now with CANDIDATES candidates; `accounts` roster students with tokens
    and `voters - accounts` family codes. Returns (campaign id, voters as {"auth"| "code"})."""
    import django

    django.setup()
    from datetime import timedelta
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import Membership, Organization, OrgKind, Role, User
    from accounts.tokens import token_issue
    from honours.models import Campaign, CampaignLevel, Candidate, CandidateStatus, LevelKind, VoteCode, VoteCodeBatch
    from honours.services.voting import CODE_ALPHABET, CODE_LENGTH, code_hash

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as devnull:
        call_command(
            "seed_demo", students=max(accounts, CANDIDATES), password="Bench@2026", quiet_accounts=True, stdout=devnull
        )
    city = Organization.objects.get(kind=OrgKind.CITY, name="南通市")
    boss = User.objects.get(username="city_org")
    now = timezone.now()
    campaign = Campaign.objects.create(
        title=f"压测评选 {now:%Y%m%d-%H%M%S}",
        year=now.year,
        owner_org=city,
        grade_bands=["primary_lower", "primary_upper", "junior", "senior"],
        voting_level=LevelKind.CITY,
        vote_opens_at=now - timedelta(minutes=1),
        vote_closes_at=now + timedelta(days=1),
        votes_per_day=CANDIDATES,
        panel_weight=Decimal("70"),
        created_by=boss,
    )
    level = CampaignLevel.objects.create(campaign=campaign, kind=LevelKind.CITY, order=0, quota_fixed=CANDIDATES)
    students = list(
        Membership.objects.filter(role=Role.STUDENT).select_related("user", "org", "org__parent").order_by("user_id")
    )
    for m in students[:CANDIDATES]:
        school = m.org.parent
        Candidate.objects.create(
            campaign=campaign,
            student=m.user,
            name=m.user.display_name,
            klass=m.org,
            school=school,
            district=Organization.objects.filter(pk__in=school.ancestor_ids(), kind=OrgKind.DISTRICT).first(),
            grade=m.org.grade,
            level=level,
            status=CandidateStatus.FINALIST,
            deeds="压测",
            summary="压测",
            nominated_by=boss,
        )
    out = [{"auth": {"Authorization": f"Bearer {token_issue(user=m.user)}"}} for m in students[:accounts]]
    batch = VoteCodeBatch.objects.create(
        campaign=campaign, klass=students[0].org, issued_at=now, size=voters - len(out)
    )
    rng = random.Random(7)
    codes, rows = set(), []
    while len(codes) < voters - len(out):
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in codes:
            codes.add(code)
            rows.append(
                VoteCode(batch=batch, campaign=campaign, code_hash=code_hash(campaign_id=campaign.pk, code=code))
            )
    VoteCode.objects.bulk_create(rows, batch_size=2000)
    out += [{"code": c} for c in sorted(codes)]
    return campaign.pk, out


async def drive(
    port: int,
    campaign_id: int,
    voters: list[dict],
    cands: list[int],
    conns: int,
    seconds: float,
    seed: int,
    dup_share: float,
):
    """`conns` closed-loop keep-alive connections; each takes voters from a shared queue and casts that
    voter's votes for every candidate in a random order (plus some deliberate repeats)."""
    latencies: list[float] = []
    acked: dict[tuple[int, int], int] = {}
    statuses: dict = {}
    queue = list(range(len(voters)))
    random.Random(seed).shuffle(queue)
    stop_at = time.monotonic() + seconds
    path = f"/api/v1/honours/campaigns/{campaign_id}/votes"

    async def worker(index: int):
        rng = random.Random(seed * 1000 + index)
        conn = Conn("127.0.0.1", port)
        while time.monotonic() < stop_at and queue:
            vi = queue.pop()
            voter = voters[vi]
            order = cands[:]
            rng.shuffle(order)
            order += [c for c in order if rng.random() < dup_share]
            for cand in order:
                if time.monotonic() >= stop_at:
                    break
                body = {"candidate_id": cand}
                if "code" in voter:
                    body["code"] = voter["code"]
                t0 = time.perf_counter()
                try:
                    status, _data = await conn.request("POST", path, json.dumps(body).encode(), voter.get("auth"))
                except (ConnectionError, asyncio.IncompleteReadError, OSError) as exc:
                    statuses[type(exc).__name__] = statuses.get(type(exc).__name__, 0) + 1
                    conn = Conn("127.0.0.1", port)
                    continue
                latencies.append(time.perf_counter() - t0)
                statuses[status] = statuses.get(status, 0) + 1
                if "x-honours-path" not in conn.last_headers:
                    statuses["handed to Django"] = statuses.get("handed to Django", 0) + 1
                if status == 201:
                    acked[(vi, cand)] = acked.get((vi, cand), 0) + 1
        await conn.close()

    started = time.monotonic()
    await asyncio.gather(*(worker(i) for i in range(conns)))
    return latencies, acked, statuses, time.monotonic() - started


def verify(campaign_id: int, voters: list[dict], acked: dict) -> dict:
    from django.db.models import Sum

    from honours.chain import chain_verify
    from honours.models import Vote, VoterDay
    from honours.standings import logged_counts, tallied_counts, vote_counts

    rows = Vote.objects.filter(campaign_id=campaign_id).count()
    doubles = sum(1 for n in acked.values() if n > 1)
    used = VoterDay.objects.filter(campaign_id=campaign_id).aggregate(s=Sum("used"))["s"] or 0
    per_cand: dict[int, int] = {}
    for (_vi, cand), n in acked.items():
        per_cand[cand] = per_cand.get(cand, 0) + n
    counts = vote_counts(campaign_id)
    report = chain_verify(campaign_id)
    return {
        "log_rows": rows,
        "acknowledged": sum(acked.values()),
        "lost": max(0, sum(acked.values()) - rows),
        "unacknowledged_rows": max(0, rows - sum(acked.values())),
        "double_counts": doubles,
        "daily_counters_equal_log": used == rows,
        "tallies_equal_acks": all(counts.get(c, 0) == n for c, n in per_cand.items()),
        "tally_table_equals_log": tallied_counts(campaign_id)
        == {c: n for c, n in logged_counts(campaign_id).items() if n},
        "chain_ok": report.ok,
    }


def anomaly_run(n: int) -> dict:
    """Synthesise n votes (7 days, 30 candidates, 200k voter keys, half from codes in 2,000 batches)
    plus one injected attack (3,000 votes, one /24, five minutes) in SQL, and time the detection."""
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from honours.models import Campaign, Candidate
    from honours.services.anomalies import anomalies_detect

    template = Candidate.objects.order_by("-id").first()
    campaign = Campaign.objects.get(pk=template.campaign_id)
    campaign.pk = None
    campaign.title = f"异常检测压测 {timezone.now():%H%M%S}"
    campaign.save()
    level = template.level
    level.pk = None
    level.campaign = campaign
    level.save()
    ids = []
    for i in range(30):
        c = Candidate.objects.get(pk=template.pk)
        c.pk, c.campaign, c.level = None, campaign, level
        c.student = User.objects.create(username=f"anom{campaign.pk}_{i}")
        c.save()
        ids.append(c.pk)
    t0 = time.monotonic()
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO honours_vote (campaign_id, candidate_id, seq, voter_key, code_batch_id, day, cast_at,
                                      ip_prefix, ua_hash, session_hash, account_age_s, prev_hash, hash)
            SELECT %s, (%s::bigint[])[1 + (g * 7919) %% 30], g,
                   CASE WHEN g %% 2 = 0 THEN 'c' || (g * 31 %% 100000) ELSE 'u' || (g * 17 %% 100000) END,
                   CASE WHEN g %% 2 = 0 THEN (g * 31 %% 100000) / 50 ELSE NULL END,
                   (ts AT TIME ZONE 'Asia/Shanghai')::date, ts,
                   '10.' || (g * 13 %% 250) || '.' || (g * 7 %% 250) || '.0/24', 'ua' || (g * 11 %% 5000), '',
                   CASE WHEN g %% 2 = 1 THEN 86400 + g ELSE NULL END, '', ''
            FROM (SELECT g, now() - interval '7 days' + (g * interval '604800 seconds') / %s AS ts
                  FROM generate_series(1::bigint, %s) AS g) s
            """,
            [campaign.pk, ids, n, n],
        )
        # one injected attack: 3,000 votes for one candidate from one /24 within five minutes
        cur.execute(
            """
            INSERT INTO honours_vote (campaign_id, candidate_id, seq, voter_key, code_batch_id, day, cast_at,
                                      ip_prefix, ua_hash, session_hash, account_age_s, prev_hash, hash)
            SELECT %s, %s, %s + g, 'x' || g, NULL, (ts AT TIME ZONE 'Asia/Shanghai')::date, ts,
                   '6.6.6.0/24', 'ua' || g, '', NULL, '', ''
            FROM (SELECT g, now() - interval '3 days' + g * interval '100 milliseconds' AS ts
                  FROM generate_series(1, 3000) AS g) s
            """,
            [campaign.pk, ids[0], n],
        )
    written = time.monotonic() - t0
    t0 = time.monotonic()
    report = anomalies_detect(campaign=campaign, now=timezone.now())
    took = time.monotonic() - t0
    from honours.standings import logged_counts, public_counts

    t0 = time.monotonic()
    public_counts(campaign, timezone.now())  # what every public page view and live push costs
    counting = time.monotonic() - t0
    t0 = time.monotonic()
    logged_counts(campaign.pk)  # the same figures counted from the whole log
    from_log = time.monotonic() - t0
    return {
        "votes": n,
        "write_s": round(written, 1),
        "detect_s": round(took, 1),
        "flagged": dict(report.flagged),
        "public_counts_ms": round(counting * 1000, 1),
        "counting_the_log_ms": round(from_log * 1000, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument("--accounts", type=int, default=200, help="of the voters, how many are roster accounts")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dup-share", type=float, default=0.02)
    parser.add_argument("--anomaly-votes", type=int, default=1_000_000)
    parser.add_argument("--anomaly-only", action="store_true", help="skip the HTTP measurement")
    parser.add_argument("--servers", type=int, default=1, help="daphne processes sharing one socket (a core each)")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings.local")
    os.environ["DEBUG"] = "0"
    db_url = os.environ.get("DATABASE_URL", "")
    if not db_url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point at PostgreSQL")
        return 2
    ensure_postgres_database(db_url)
    campaign_id, voters = prepare(args.voters, args.accounts)
    if args.anomaly_only:
        result = anomaly_run(args.anomaly_votes)
        print(f"anomaly detection: {result}  load average now: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        return 0
    from honours.models import Candidate

    cands = list(Candidate.objects.filter(campaign_id=campaign_id).values_list("pk", flat=True))
    env = dict(os.environ, PYTHONUNBUFFERED="1", LOG_LEVEL="ERROR")
    env.setdefault("DB_POOL_MAX", "10")
    procs, port = start_daphne_group("quizsite.asgi:application", env, args.servers)
    bare_procs, bare_port = start_daphne_group("bench.hello_asgi:app", env, args.servers)
    lat, bare_lat, acked, statuses, bare_statuses = [], [], {}, {}, {}
    elapsed = bare_elapsed = 0.0
    cpu = {"votes": 0.0, "bare": 0.0}  # server processes' CPU seconds in the measured rounds
    per_round = args.seconds / args.rounds
    # warm-up (first connections, pools, caches) on the last tenth of the voters; its votes are checked
    # with the rest, its latencies are not measured
    warm = len(voters) // 10
    half = (len(voters) - warm) // args.rounds
    try:
        _la, ack, _st, _dt = asyncio.run(drive(port, campaign_id, voters[-warm:], cands, args.connections, 2, 99, 0))
        for (vi, c), n in ack.items():
            acked[(vi + len(voters) - warm, c)] = n
        asyncio.run(drive(bare_port, campaign_id, voters[-warm:], cands, args.connections, 2, 99, 0))
        settle_database()  # as autovacuum would have by now (bench/harness.py)
        for r in range(args.rounds):
            pool = voters[r * half : (r + 1) * half]
            offset = r * half
            before = cpu_seconds(procs)
            la, ack, st, dt = asyncio.run(
                drive(port, campaign_id, pool, cands, args.connections, per_round, r, args.dup_share)
            )
            cpu["votes"] += cpu_seconds(procs) - before
            lat += la
            elapsed += dt
            for (vi, c), n in ack.items():
                acked[(vi + offset, c)] = acked.get((vi + offset, c), 0) + n
            for k, v in st.items():
                statuses[k] = statuses.get(k, 0) + v
            before = cpu_seconds(bare_procs)
            la, _ack, st, dt = asyncio.run(
                drive(bare_port, campaign_id, pool, cands, args.connections, per_round, r, args.dup_share)
            )
            cpu["bare"] += cpu_seconds(bare_procs) - before
            bare_lat += la
            bare_elapsed += dt
            for k, v in st.items():
                bare_statuses[k] = bare_statuses.get(k, 0) + v
    finally:
        for p in procs + bare_procs:
            stop(p)
    app = summary(lat, elapsed)
    accepted = statuses.get(201, 0)  # measured rounds only
    app["accepted_per_s"] = round(accepted / elapsed, 1) if elapsed else 0
    bare = summary(bare_lat, bare_elapsed)
    app["server_cpu_ms_per_request"] = round(1000 * cpu["votes"] / app["count"], 3) if app["count"] else None
    bare["server_cpu_ms_per_request"] = round(1000 * cpu["bare"] / bare["count"], 3) if bare["count"] else None
    checks = verify(campaign_id, voters, acked)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"cores: {os.cpu_count()}  load average now: {load}  voters: {len(voters)} ({args.accounts} accounts)  "
        f"connections: {args.connections}  daphne processes: {args.servers}"
    )
    print(
        f"votes: {accepted} accepted (201) of {app['count']} requests; {app['accepted_per_s']} accepted/s; p50 {app['p50_ms']} ms, p99 {app['p99_ms']} ms"
    )
    print(f"statuses: {statuses}")
    print(
        f"server CPU per request (load-independent): votes {app['server_cpu_ms_per_request']} ms, "
        f"bare {bare['server_cpu_ms_per_request']} ms"
    )
    print(f"bare ASGI app: {bare['rps']}/s, p50 {bare['p50_ms']} ms, p99 {bare['p99_ms']} ms")
    ratio = round(app["rps"] / bare["rps"], 3) if bare["rps"] else None
    print(f"ratio vote path / bare app (requests/s): {ratio}")
    print(f"checks: {checks}")
    result = {"votes": app, "bare": bare, "ratio": ratio, "checks": checks, "load": load}
    if args.anomaly_votes:
        result["anomalies"] = anomaly_run(args.anomaly_votes)
        print(
            f"anomaly detection: {result['anomalies']}  load average now: {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
    print(json.dumps(result, default=str))
    ok = checks["lost"] == 0 and checks["double_counts"] == 0 and checks["chain_ok"] and checks["tallies_equal_acks"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
