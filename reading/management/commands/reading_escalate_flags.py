from django.core.management.base import BaseCommand

from reading import conf
from reading.services import flags_escalate


class Command(BaseCommand):
    help = "将超过规定时间仍无人查看的心理关注提示上报上一级（学校 → 区县 → 市）。建议每 10 分钟运行一次。"

    def handle(self, *args, **options):
        moved = flags_escalate()
        hours = conf.get("READING_FLAG_ESCALATE_HOURS")
        self.stdout.write(f"已上报 {moved} 条超过 {hours} 小时无人查看的心理关注提示。")
