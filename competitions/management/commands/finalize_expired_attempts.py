import time

from django.core.management.base import BaseCommand

from competitions.services import attempts_finalize_expired, contests_snapshot_enrolment


class Command(BaseCommand):
    help = "交卷扫描：为已过截止时间但未交卷的答题记录自动交卷并计分。--loop 秒数 可持续运行。"

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, help="每隔多少秒扫描一次（0 = 只扫描一次）")

    def handle(self, *args, loop, **options):
        while True:
            count = attempts_finalize_expired()
            contests_snapshot_enrolment()
            self.stdout.write(f"已自动交卷 {count} 份。")
            if not loop:
                return
            time.sleep(loop)
