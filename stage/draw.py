"""The running-order draw that nobody can rig (commit-reveal).

1. Before the draw the organiser publishes the commitment C = SHA-256(seed) on the event page, with the
   rule for the public input (e.g. "the 福彩3D number of 5 December") and the performers' codes.
2. The public input becomes known only later, so whoever chose the seed could not aim for an order;
   the seed is fixed by C, so nobody can change it after seeing the input.
3. Order: categories in their published order; within a category, performers sorted by
   HMAC-SHA256(key = seed, message = public input + "|" + performer code), hex ascending.
4. After the draw the seed is revealed: anyone checks SHA-256(seed) = C and recomputes the order
   (`manage.py stage_draw_verify`, or the event's verification page, or a few lines of any language).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable


def new_seed() -> str:
    return secrets.token_hex(32)


def commitment(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def roster_digest(codes: Iterable[tuple[str, str]]) -> str:
    """Digest of (category, code) pairs, fixed at commitment time so nobody adds or drops a performer
    between the commitment and the draw."""
    text = "\n".join(f"{cat}\t{code}" for cat, code in sorted(codes))
    return hashlib.sha256(text.encode()).hexdigest()


def draw_key(seed: str, public_input: str, code: str) -> str:
    return hmac.new(seed.encode(), f"{public_input}|{code}".encode(), hashlib.sha256).hexdigest()


def draw_order(seed: str, public_input: str, categories: list[tuple[str, list[str]]]) -> list[str]:
    """categories: [(category name, [performer codes])] in category order → codes in running order."""
    out: list[str] = []
    for _name, codes in categories:
        out.extend(sorted(codes, key=lambda c: (draw_key(seed, public_input, c), c)))
    return out
