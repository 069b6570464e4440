"""Recompute a drawn running order from its published parts (the command and the page share this)."""

from __future__ import annotations

from dataclasses import dataclass

from . import draw
from .models import StageEvent


@dataclass
class Verification:
    seed: str
    public_input: str
    commitment: str
    commitment_ok: bool
    order: list[str]
    stored: list[str]

    @property
    def order_ok(self) -> bool:
        return self.commitment_ok and self.order == self.stored


def published_roster(event: StageEvent) -> list[tuple[str, list[str]]]:
    return [
        (c.name, list(c.performers.order_by("code").values_list("code", flat=True))) for c in event.categories.all()
    ]


def verify(event: StageEvent, *, seed: str | None = None, public_input: str | None = None) -> Verification | None:
    """None before the draw (the seed is still secret)."""
    if event.drawn_at is None and seed is None:
        return None
    seed = event.draw_seed if seed is None else seed
    public_input = event.draw_public_input if public_input is None else public_input
    order = draw.draw_order(seed, public_input, published_roster(event))
    stored = list(event.performers.exclude(running_order=None).order_by("running_order").values_list("code", flat=True))
    return Verification(
        seed=seed,
        public_input=public_input,
        commitment=event.draw_commitment,
        commitment_ok=draw.commitment(seed) == event.draw_commitment,
        order=order,
        stored=stored,
    )
