from django.core.management.base import BaseCommand, CommandError

from reading import conf
from reading.services import retention_purge


class Command(BaseCommand):
    help = "删除超过保存期限的阅读心得、心理关注提示及个案记录、测验作答和提醒（默认保存一学年）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="保存天数（默认 settings.READING_RETENTION_DAYS，365）"
        )

    def handle(self, *args, days, **options):
        if days is not None and days < 30:
            raise CommandError("--days 不能少于 30 天")
        counts = retention_purge(days=days)
        kept = days if days is not None else conf.get("READING_RETENTION_DAYS")
        self.stdout.write(
            f"已删除（早于 {kept} 天）：心得 {counts['reflections']}，关注提示 {counts['flags']}，"
            f"测验作答 {counts['quiz_attempts']}，提醒 {counts['reminders']}"
        )
