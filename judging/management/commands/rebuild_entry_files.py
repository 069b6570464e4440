from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from judging.services import entry_files_rebuild


class Command(BaseCommand):
    help = _("按白名单重建已存储的参赛作品文件（升级后运行一次，清除旧文件中残留的作者信息）。")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help=_("只统计，不改写文件"))

    def handle(self, *args, dry_run, **options):
        counts = entry_files_rebuild(dry_run=dry_run)
        self.stdout.write(
            _("重建 {rebuilt} 个，无需改动 {unchanged} 个，无法重建（保持原样）{refused} 个。").format(**counts)
            + (_("（仅统计，未改写）") if dry_run else "")
        )
