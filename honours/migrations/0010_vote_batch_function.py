"""honours_vote_batch(): the vote fast path's group commit as one PostgreSQL function, so a batch holds
its campaign's chain head for the time the server takes to run it, not for a round trip to the ASGI
process and back.

Why: the fast path used to lock the chain head, read the state, decide in Python and write in a second
round trip. Between the two, the lock waited for the process's event loop, which under a burst was
busy answering other requests: about 25 ms per batch with two processes, while the other process's
batch queued on the lock (bench/votes.py). Decided here, the lock is held for a few milliseconds.

The rules are vote_cast's (honours/services/voting.py), in its order, under the same lock:
outside the window or not on the ballot → NULL (the fast path hands the request to Django, which
answers as the API does); already voted for that candidate today → -1 (409 already_voted_today);
the day's votes used up → -2 (429 daily_limit); else the vote is chained (honours/chain.py's
link_hash, recomputed by chain_verify and tally_votes) and the element is the votes left today.
tests/core/test_fastpath_parity_votes.py holds it to the endpoint, tests/core/test_fastpath_schema.py
holds its tables and columns to the models. Each statement in a PL/pgSQL function takes a fresh
snapshot, so the reads after the lock see every batch committed before it was granted.

PostgreSQL only: the fast path is off on SQLite."""

from django.db import migrations

VOTE_BATCH_SQL = """
CREATE OR REPLACE FUNCTION honours_vote_batch(
    p_campaign bigint, p_day date, p_statuses text[], p_candidates bigint[], p_keys text[], p_batches bigint[],
    p_cast timestamptz[], p_ips text[], p_uas text[], p_sessions text[], p_ages bigint[]
) RETURNS int[] AS $$
DECLARE
    n int := coalesce(array_length(p_candidates, 1), 0);
    res int[] := array_fill(NULL::int, ARRAY[n]);
    h_seq bigint; h_hash text; v_opens timestamptz; v_closes timestamptz; v_per_day int;
    valid bigint[];
    ck text[] := '{}'; cu int[] := '{}'; cl int[] := '{}';
    a_keys text[] := '{}'; a_cands bigint[] := '{}'; a_seq bigint[] := '{}'; a_batch bigint[] := '{}';
    a_cast timestamptz[] := '{}'; a_ip text[] := '{}'; a_ua text[] := '{}'; a_sess text[] := '{}';
    a_age bigint[] := '{}'; a_prev text[] := '{}'; a_hash text[] := '{}';
    voted text[] := '{}';  -- voter_key:candidate_id pairs cast today, this batch's included
    k int; v_used int; v_limit int; digest text;
BEGIN
    SELECT h.seq, h.hash, c.vote_opens_at, c.vote_closes_at, c.votes_per_day
        INTO h_seq, h_hash, v_opens, v_closes, v_per_day
        FROM "honours_chainhead" h JOIN "honours_campaign" c ON c.id = h.campaign_id
        WHERE h.campaign_id = p_campaign FOR UPDATE OF h;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT coalesce(array_agg(d.id), '{}') INTO valid
        FROM "honours_candidate" d JOIN "honours_campaignlevel" l ON l.id = d.level_id
        WHERE d.campaign_id = p_campaign AND d.id = ANY(p_candidates) AND d.status = ANY(p_statuses)
        AND l.kind = (SELECT g.voting_level FROM "honours_campaign" g WHERE g.id = d.campaign_id);
    FOR i IN 1..n LOOP
        CONTINUE WHEN v_opens IS NULL OR v_closes IS NULL OR p_cast[i] < v_opens OR p_cast[i] >= v_closes
            OR NOT (p_candidates[i] = ANY(valid));
        k := array_position(ck, p_keys[i]);
        IF k IS NULL THEN  -- first ballot of this voter in the batch: their day so far
            SELECT t.used, t.day_limit INTO v_used, v_limit FROM "honours_voterday" t
                WHERE t.campaign_id = p_campaign AND t.day = p_day AND t.voter_key = p_keys[i];
            IF NOT FOUND THEN
                v_used := 0;
                v_limit := v_per_day;
            END IF;
            ck := ck || p_keys[i];
            cu := cu || v_used;
            cl := cl || v_limit;
            k := array_length(ck, 1);
            -- by voter, not by candidate: the unique index's prefix, whatever the statistics say
            voted := voted || ARRAY(SELECT p_keys[i] || ':' || v.candidate_id FROM "honours_vote" v
                WHERE v.campaign_id = p_campaign AND v.voter_key = p_keys[i] AND v.day = p_day);
        END IF;
        IF (p_keys[i] || ':' || p_candidates[i]) = ANY(voted) THEN
            res[i] := -1;
            CONTINUE;
        END IF;
        IF cu[k] >= cl[k] THEN
            res[i] := -2;
            CONTINUE;
        END IF;
        h_seq := h_seq + 1;
        digest := encode(sha256(convert_to(concat_ws('|',
            h_hash, h_seq::text, p_campaign::text, p_candidates[i]::text, p_keys[i], to_char(p_day, 'YYYY-MM-DD'),
            to_char(p_cast[i] AT TIME ZONE 'UTC', 'YYYY-MM-DD') || 'T' || to_char(p_cast[i] AT TIME ZONE 'UTC', 'HH24:MI:SS.US') || 'Z',
            coalesce(p_ips[i], ''), coalesce(p_uas[i], ''), coalesce(p_sessions[i], ''), coalesce(p_ages[i]::text, '')
        ), 'UTF8')), 'hex');
        a_keys := a_keys || p_keys[i];
        a_cands := a_cands || p_candidates[i];
        a_seq := a_seq || h_seq;
        a_batch := a_batch || p_batches[i];
        a_cast := a_cast || p_cast[i];
        a_ip := a_ip || coalesce(p_ips[i], '');
        a_ua := a_ua || coalesce(p_uas[i], '');
        a_sess := a_sess || coalesce(p_sessions[i], '');
        a_age := a_age || p_ages[i];
        a_prev := a_prev || h_hash;
        a_hash := a_hash || digest;
        h_hash := digest;
        voted := voted || (p_keys[i] || ':' || p_candidates[i]);
        cu[k] := cu[k] + 1;
        res[i] := cl[k] - cu[k];
    END LOOP;
    IF coalesce(array_length(a_seq, 1), 0) = 0 THEN
        RETURN res;
    END IF;
    INSERT INTO "honours_vote" (campaign_id, day, candidate_id, seq, voter_key, code_batch_id, cast_at,
        ip_prefix, ua_hash, session_hash, account_age_s, prev_hash, hash)
        SELECT p_campaign, p_day, * FROM unnest(a_cands, a_seq, a_keys, a_batch, a_cast, a_ip, a_ua, a_sess, a_age,
        a_prev, a_hash);
    INSERT INTO "honours_voterday" (campaign_id, voter_key, day, used, day_limit)
        SELECT p_campaign, x.vk, p_day, x.vu, x.vl FROM unnest(ck, cu, cl) AS x(vk, vu, vl)
        WHERE x.vk = ANY(a_keys)
        ON CONFLICT (campaign_id, voter_key, day) DO UPDATE SET used = EXCLUDED.used;
    UPDATE "honours_chainhead" AS hh SET seq = h_seq, hash = h_hash WHERE hh.campaign_id = p_campaign;
    UPDATE "honours_votecode" AS vc SET first_used_at = p_cast[1] WHERE vc.first_used_at IS NULL AND vc.id IN (SELECT substr(y.uk, 2)::bigint FROM unnest(a_keys) AS y(uk) WHERE left(y.uk, 1) = 'c');
    RETURN res;
END;
$$ LANGUAGE plpgsql VOLATILE;
"""
DROP_SQL = """DROP FUNCTION IF EXISTS honours_vote_batch(bigint, date, text[], bigint[], text[], bigint[],
    timestamptz[], text[], text[], text[], bigint[]);"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(VOTE_BATCH_SQL, None)  # None: no placeholders in the body


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, None)


class Migration(migrations.Migration):
    dependencies = [
        ("honours", "0009_vote_tally"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
