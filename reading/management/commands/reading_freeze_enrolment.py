from django.core.management.base import BaseCommand

from reading.enrolment import enrolment_freeze_closed


class Command(BaseCommand):
    help = "冻结已结束月份的阅读在册学生数（此后导入名单不再改变该月参与率）。建议每小时运行一次。"

    def handle(self, *args, **options):
        taken = enrolment_freeze_closed()
        self.stdout.write(f"已冻结 {taken} 篇阅读的在册学生数。")
