"""Redis board store (REDIS_URL set): sorted sets shared by every server process.

Keys of one board, all under one hash tag so a Redis Cluster keeps them on one slot:
    {prefix}:{c<contest>}:f<KEY_FORMAT>:<variant>:meta     "built" marker; missing = rebuild from the database
    ...:ind     ZSET  member=redis_member(finished_at, attempt_id)  score=redis_score(score, time_used_s)
    ...:info    HASH  member -> JSON of the entry (name, school, district, centi-points, time)
    ...:users   HASH  user_id -> member (each student has exactly one entry: the attempt that counts)
    ...:sch / ...:dis        ZSET  organisation -> aggregate_zscore(total, participants)
    ...:schagg / ...:disagg  HASH  "<id>:t" total centi-points, "<id>:n" participants, "<id>:e" excellent
    ...:names   HASH  "s<id>" / "d<id>" -> display name;   ...:enr HASH org_id -> enrolled students
    ...:ver     version: max(previous + 1, Redis clock in µs) — monotonic even across a flush
    ...:pending SET   users whose update arrived while the board was being (re)built

Every write is one Lua script, so concurrent processes never see a half-applied update."""

from __future__ import annotations

import json
from functools import lru_cache

import redis

from core.redisconf import sync_client

from .base import (
    AGG_N_RANGE,
    DISTRICT,
    INDIVIDUAL,
    LIVE,
    SCHOOL,
    BoardNotBuilt,
    BoardStore,
    BoardView,
    agg_member,
    aggregate_entry,
    aggregate_zscore,
    individual_entry,
)

# Bumped when what the keys hold changes shape (2: members carry the finish time in µs, not ms): boards
# under the old format are simply not found, so each is rebuilt from the database on first use.
KEY_FORMAT = 3  # 3: aggregates also count excellent students ("<id>:e")
KEY_NAMES = ("meta", "ind", "info", "users", "sch", "schagg", "dis", "disagg", "names", "ver", "pending", "enr")

_BUMP = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local v = tonumber(redis.call('GET', KEYS[1]) or '0') + 1
if now > v then v = now end
local s = string.format('%.0f', v)
redis.call('SET', KEYS[1], s)
return s
"""

_UPSERT = (
    """
-- KEYS: 1 meta 2 ind 3 info 4 users 5 sch 6 schagg 7 dis 8 disagg 9 names 10 ver 11 pending
-- ARGV: 1 user_id 2 member ('' = remove) 3 zscore 4 info_json 5 school_id 6 district_id 7 centi
--       8 school_name 9 district_name 10 excellent (0/1)
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('SADD', KEYS[11], ARGV[1])
  return false
end
local R = __AGG_N_RANGE__
local function adjust(zkey, aggkey, id, dtotal, dn, de, name, nkey)
  if id == '0' or id == '' then return end
  local total = redis.call('HINCRBY', aggkey, id .. ':t', string.format('%d', dtotal))
  local n = redis.call('HINCRBY', aggkey, id .. ':n', string.format('%d', dn))
  redis.call('HINCRBY', aggkey, id .. ':e', string.format('%d', de))
  local m = string.format('%012d', tonumber(id))
  if n <= 0 then
    redis.call('HDEL', aggkey, id .. ':t', id .. ':n', id .. ':e')
    redis.call('ZREM', zkey, m)
  else
    local avg = math.floor(total / n)
    local nn = n
    if nn > R - 1 then nn = R - 1 end
    redis.call('ZADD', zkey, string.format('%.0f', -(avg * R + nn)), m)
    if name ~= '' then redis.call('HSET', KEYS[9], nkey .. id, name) end
  end
end
local old = redis.call('HGET', KEYS[4], ARGV[1])
if old then
  local oi = cjson.decode(redis.call('HGET', KEYS[3], old))
  redis.call('ZREM', KEYS[2], old)
  redis.call('HDEL', KEYS[3], old)
  redis.call('HDEL', KEYS[4], ARGV[1])
  local oe = oi.e or 0
  adjust(KEYS[5], KEYS[6], string.format('%d', oi.si), -oi.c, -1, -oe, '', 's')
  adjust(KEYS[7], KEYS[8], string.format('%d', oi.di), -oi.c, -1, -oe, '', 'd')
end
if ARGV[2] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
  redis.call('HSET', KEYS[3], ARGV[2], ARGV[4])
  redis.call('HSET', KEYS[4], ARGV[1], ARGV[2])
  adjust(KEYS[5], KEYS[6], ARGV[5], tonumber(ARGV[7]), 1, tonumber(ARGV[10]), ARGV[8], 's')
  adjust(KEYS[7], KEYS[8], ARGV[6], tonumber(ARGV[7]), 1, tonumber(ARGV[10]), ARGV[9], 'd')
end
""".replace("__AGG_N_RANGE__", str(AGG_N_RANGE))
    + _BUMP.replace("KEYS[1]", "KEYS[10]")
)

REBUILD_CHUNK = 5000


@lru_cache(maxsize=8)
def client_for(url: str) -> redis.Redis:
    return sync_client(url, decode_responses=True, health_check_interval=30)  # REDIS_URL or Sentinel


class RedisStore(BoardStore):
    def __init__(self, prefix: str, url: str):
        self.prefix = prefix
        self.r = client_for(url)
        self._upsert = self.r.register_script(_UPSERT)
        self._bump = self.r.register_script(_BUMP)

    def keys(self, contest_id: int, variant: str) -> dict[str, str]:
        base = f"{self.prefix}:{{c{contest_id}}}:f{KEY_FORMAT}:{variant}"
        return {name: f"{base}:{name}" for name in KEY_NAMES}

    def _upsert_keys(self, k: dict) -> list[str]:
        return [k[n] for n in KEY_NAMES[:11]]

    def is_built(self, contest_id, variant=LIVE):
        return bool(self.r.exists(self.keys(contest_id, variant)["meta"]))

    def replace(self, contest_id, rows, enrolled, variant=LIVE):
        k = self.keys(contest_id, variant)
        totals = {SCHOOL: {}, DISTRICT: {}}
        names: dict[str, str] = {}
        for row in rows:
            for scope, org_id, name, tag in (
                (SCHOOL, row.school_id, row.school, "s"),
                (DISTRICT, row.district_id, row.district, "d"),
            ):
                if not org_id:
                    continue
                t = totals[scope].setdefault(org_id, [0, 0, 0])
                t[0] += row.centi
                t[1] += 1
                t[2] += int(row.excellent)
                names[f"{tag}{org_id}"] = name
        pipe = self.r.pipeline(transaction=True)
        pipe.delete(*[k[n] for n in KEY_NAMES if n not in ("ver", "pending")])
        for start in range(0, len(rows), REBUILD_CHUNK):
            chunk = rows[start : start + REBUILD_CHUNK]
            pipe.zadd(k["ind"], {row.member: row.zscore for row in chunk})
            pipe.hset(k["info"], mapping={row.member: json.dumps(row.info(), ensure_ascii=False) for row in chunk})
            pipe.hset(k["users"], mapping={str(row.user_id): row.member for row in chunk})
        for scope, zkey, aggkey in ((SCHOOL, "sch", "schagg"), (DISTRICT, "dis", "disagg")):
            if totals[scope]:
                pipe.zadd(k[zkey], {agg_member(o): aggregate_zscore(t, n) for o, (t, n, _e) in totals[scope].items()})
                mapping = {}
                for o, (t, n, e) in totals[scope].items():
                    mapping[f"{o}:t"] = t
                    mapping[f"{o}:n"] = n
                    mapping[f"{o}:e"] = e
                pipe.hset(k[aggkey], mapping=mapping)
        if names:
            pipe.hset(k["names"], mapping=names)
        if enrolled:
            pipe.hset(k["enr"], mapping={str(o): n for o, n in enrolled.items()})
        pipe.hset(k["meta"], mapping={"built": 1})
        self._bump(keys=[k["ver"]], client=pipe)
        result = pipe.execute()
        return int(result[-1])

    def upsert(self, contest_id, row, variant=LIVE):
        k = self.keys(contest_id, variant)
        info = json.dumps(row.info(), ensure_ascii=False)
        result = self._upsert(
            keys=self._upsert_keys(k),
            args=[
                row.user_id,
                row.member,
                row.zscore,
                info,
                row.school_id or 0,
                row.district_id or 0,
                row.centi,
                row.school,
                row.district,
                int(row.excellent),
            ],
        )
        return int(result) if result else None

    def remove_user(self, contest_id, user_id, variant=LIVE):
        k = self.keys(contest_id, variant)
        result = self._upsert(keys=self._upsert_keys(k), args=[user_id, "", 0, "", 0, 0, 0, "", "", 0])
        return int(result) if result else None

    def take_pending(self, contest_id, variant=LIVE):
        key = self.keys(contest_id, variant)["pending"]
        pipe = self.r.pipeline(transaction=True)
        pipe.smembers(key)
        pipe.delete(key)
        members, _ = pipe.execute()
        return sorted(int(m) for m in members)

    def unbuild(self, contest_id, variant=LIVE):
        self.r.delete(self.keys(contest_id, variant)["meta"])

    def drop(self, contest_id):
        names = []
        for variant in ("L", "F"):
            names.extend(self.keys(contest_id, variant).values())
        self.r.delete(*names)

    def read(self, contest_id, scope, limit, variant=LIVE):
        k = self.keys(contest_id, variant)
        zkey = {INDIVIDUAL: "ind", SCHOOL: "sch", DISTRICT: "dis"}[scope]
        pipe = self.r.pipeline(transaction=False)
        pipe.exists(k["meta"])
        pipe.get(k["ver"])
        pipe.zrange(k[zkey], 0, limit - 1)
        pipe.zcard(k["ind"])
        pipe.zrange(k["dis"], 0, -1)
        built, ver, members, participants, districts = pipe.execute()
        if not built:
            raise BoardNotBuilt(contest_id)
        pipe = self.r.pipeline(transaction=False)
        if members and scope == INDIVIDUAL:
            pipe.hmget(k["info"], members)
        elif members:
            self._queue_agg(pipe, k, scope, members)
        if districts:
            pipe.hmget(k["disagg"], [f"{int(m)}:n" for m in districts])
            pipe.hmget(k["names"], [f"d{int(m)}" for m in districts])
        results = pipe.execute()
        entries: list[dict] = []
        if members and scope == INDIVIDUAL:
            infos = results.pop(0)
            entries = [individual_entry(i + 1, json.loads(info)) for i, info in enumerate(infos) if info]
        elif members:
            totals, ns, excellent, labels, enrolled = results[:5]
            results = results[5:]
            for i, m in enumerate(members):
                entries.append(
                    aggregate_entry(
                        i + 1,
                        int(m),
                        labels[i] or "",
                        int(totals[i] or 0),
                        int(ns[i] or 0),
                        _int(enrolled[i]),
                        int(excellent[i] or 0),
                    )
                )
        district_counts = []
        if districts:
            ns, labels = results[:2]
            district_counts = [
                {"name": labels[i] or "", "participants": int(ns[i] or 0)} for i in range(len(districts))
            ]
        return BoardView(
            version=int(ver or 0), entries=entries, participants=int(participants), districts=district_counts
        )

    def _queue_agg(self, pipe, k: dict, scope: str, members: list[str]) -> None:
        aggkey = "schagg" if scope == SCHOOL else "disagg"
        tag = "s" if scope == SCHOOL else "d"
        ids = [int(m) for m in members]
        pipe.hmget(k[aggkey], [f"{i}:t" for i in ids])
        pipe.hmget(k[aggkey], [f"{i}:n" for i in ids])
        pipe.hmget(k[aggkey], [f"{i}:e" for i in ids])
        pipe.hmget(k["names"], [f"{tag}{i}" for i in ids])
        pipe.hmget(k["enr"], [str(i) for i in ids])

    def me_many(self, contest_id, scope, ids, variant=LIVE):
        if not ids:
            return {}
        k = self.keys(contest_id, variant)
        out: dict[int, dict | None] = dict.fromkeys(ids)
        if scope == INDIVIDUAL:
            members = self.r.hmget(k["users"], [str(i) for i in ids])
            present = [(i, m) for i, m in zip(ids, members) if m]
            if not present:
                return out
            pipe = self.r.pipeline(transaction=False)
            for _, m in present:
                pipe.zrank(k["ind"], m)
            pipe.hmget(k["info"], [m for _, m in present])
            results = pipe.execute()
            infos = results.pop()
            for (user_id, _), rank, info in zip(present, results, infos):
                if rank is not None and info:
                    out[user_id] = individual_entry(rank + 1, json.loads(info))
            return out
        zkey = "sch" if scope == SCHOOL else "dis"
        members = [agg_member(i) for i in ids]
        pipe = self.r.pipeline(transaction=False)
        for m in members:
            pipe.zrank(k[zkey], m)
        self._queue_agg(pipe, k, scope, members)
        results = pipe.execute()
        ranks = results[: len(ids)]
        totals, ns, excellent, labels, enrolled = results[len(ids) :]
        for i, org_id in enumerate(ids):
            if ranks[i] is None or not ns[i]:
                continue
            out[org_id] = aggregate_entry(
                ranks[i] + 1,
                org_id,
                labels[i] or "",
                int(totals[i] or 0),
                int(ns[i]),
                _int(enrolled[i]),
                int(excellent[i] or 0),
            )
        return out

    def try_lock(self, name, ttl_s):
        return bool(self.r.set(f"{self.prefix}:lock:{name}", "1", nx=True, px=int(ttl_s * 1000)))

    def unlock(self, name):
        self.r.delete(f"{self.prefix}:lock:{name}")

    def publish(self, channel: str, message: str) -> None:
        self.r.publish(channel, message)


def _int(value) -> int | None:
    return int(value) if value not in (None, "") else None
