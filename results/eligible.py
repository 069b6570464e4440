"""What a certificate source computes: one person a template should certify. A leaf module, so the
sources (results.sources*) and the issuing services share it without importing each other."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Eligible:
    holder_id: int
    award_text: str
    score: Decimal | None = None
    rank: int | None = None
