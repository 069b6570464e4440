"""Anomaly detection for one campaign (the committee, or `honours.tasks.detect_vote_anomalies`), or with
`--open` for every campaign whose voting is open or closed within the last 24 hours: what the systemd timer
`quizsite-honours-anomalies.timer` runs every 5 minutes. Re-running is harmless: a vote already flagged
keeps its flag and its committee decision, so a second run quarantines nothing twice."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from honours.models import Campaign
from honours.services.anomalies import RULE_LABELS, anomalies_detect
from honours.voting_set import campaigns_to_watch


class Command(BaseCommand):
    help = (
        "检测异常投票（突增、网段/设备集中、同批投票码集中、新账号、只投一人、夜间集中），隔离待核查。"
        "--open：检测所有正在投票或 24 小时内结束投票的评选（定时任务用）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign", type=int, nargs="?")
        parser.add_argument(
            "--open", dest="watch_open", action="store_true", help="所有正在投票或 24 小时内结束投票的评选"
        )

    def handle(self, *args, campaign, watch_open, **options):
        if (campaign is None) == (not watch_open):
            raise CommandError("请指定评选活动 ID，或使用 --open（二者选一）。")
        now = timezone.now()
        if watch_open:
            return self._watch(now)
        camp = Campaign.objects.filter(pk=campaign).first()
        if camp is None:
            raise CommandError(f"评选活动 {campaign} 不存在。")
        started = time.monotonic()
        report = anomalies_detect(campaign=camp, now=now)
        for rule, label in RULE_LABELS.items():
            self.stdout.write(f"{label}：{report.flagged.get(rule, 0)} 票")
            for line in report.groups.get(rule, [])[:20]:
                self.stdout.write(f"  {line}")
        self.stdout.write(f"新隔离 {report.new_flags} 票，用时 {time.monotonic() - started:.1f} 秒。")

    def _watch(self, now):
        failed = []
        campaigns = list(campaigns_to_watch(now).order_by("pk"))
        for camp in campaigns:
            started = time.monotonic()
            try:
                report = anomalies_detect(campaign=camp, now=now)
            except Exception as exc:  # one campaign's failure must not stop the others' watch
                failed.append(camp.pk)
                self.stderr.write(f"评选 {camp.pk}（{camp.title}）检测失败：{exc!r}")
                continue
            rules = "，".join(f"{RULE_LABELS[r]} {n}" for r, n in report.flagged.items() if n)
            self.stdout.write(
                f"评选 {camp.pk}（{camp.title}）：新隔离 {report.new_flags} 票"
                f"{'；' + rules if rules else ''}，用时 {time.monotonic() - started:.1f} 秒。"
            )
        self.stdout.write(f"共检测 {len(campaigns)} 个评选。")
        if failed:
            raise CommandError(f"{len(failed)} 个评选检测失败：{', '.join(map(str, failed))}")
