"""The board's JSON API: GET /api/v1/contests/{id}/leaderboard. Thin: one selector, one access rule."""

from typing import Literal

from ninja import Query, Router, Schema

from accounts.api import api_auth

from . import selectors

router = Router(tags=["leaderboards"], auth=api_auth)


class LeaderboardQuery(Schema):
    scope: Literal["individual", "school", "district"] = "individual"
    limit: int = 50


@router.get("/contests/{contest_id}/leaderboard", response=dict, summary="排行榜")
def leaderboard(request, contest_id: int, query: Query[LeaderboardQuery]):
    return selectors.leaderboard_page(contest_id=contest_id, user=request.user, scope=query.scope, limit=query.limit)
