from django.core.management.base import BaseCommand, CommandError

from leaderboards import source
from leaderboards.selectors import board_read
from leaderboards.services import leaderboard_notify, leaderboard_rebuild
from leaderboards.store import FROZEN, INDIVIDUAL, LIVE


class Command(BaseCommand):
    help = "从数据库重建竞赛排行榜（Redis 或进程内），排名与实时榜完全一致。"

    def add_arguments(self, parser):
        parser.add_argument("contest", type=int, help="竞赛 ID")

    def handle(self, *args, contest: int, **options):
        info = source.contest_info(contest)
        if info is None:
            raise CommandError(f"竞赛 {contest} 不存在。")
        version = leaderboard_rebuild(contest_id=contest, variant=LIVE)
        view = board_read(contest_id=contest, scope=INDIVIDUAL, limit=1)
        self.stdout.write(f"live board of contest {contest}: {view.participants} participants, version {version}")
        if info.is_frozen():
            leaderboard_rebuild(contest_id=contest, variant=FROZEN)
            frozen = board_read(contest_id=contest, scope=INDIVIDUAL, limit=1, variant=FROZEN)
            self.stdout.write(f"frozen board: {frozen.participants} participants")
        leaderboard_notify(contest_id=contest, kind="contest")
