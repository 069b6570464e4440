from django.core.management.base import BaseCommand

from playlist.services import prune_view_marks


class Command(BaseCommand):
    help = "删除两天前的视频观看去重记录（观看次数不受影响）。建议每天由 cron 运行一次。"

    def handle(self, *args, **options):
        deleted = prune_view_marks()
        self.stdout.write(f"deleted {deleted}")
