import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from honours.models import Campaign
from honours.services.anomalies import RULE_LABELS, anomalies_detect


class Command(BaseCommand):
    help = "检测异常投票（突增、网段/设备集中、同批投票码集中、新账号、只投一人、夜间集中），隔离待核查。"

    def add_arguments(self, parser):
        parser.add_argument("campaign", type=int)

    def handle(self, *args, campaign, **options):
        camp = Campaign.objects.filter(pk=campaign).first()
        if camp is None:
            raise CommandError(f"评选活动 {campaign} 不存在。")
        started = time.monotonic()
        report = anomalies_detect(campaign=camp, now=timezone.now())
        for rule, label in RULE_LABELS.items():
            self.stdout.write(f"{label}：{report.flagged.get(rule, 0)} 票")
            for line in report.groups.get(rule, [])[:20]:
                self.stdout.write(f"  {line}")
        self.stdout.write(f"新隔离 {report.new_flags} 票，用时 {time.monotonic() - started:.1f} 秒。")
