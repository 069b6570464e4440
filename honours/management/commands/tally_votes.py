from django.core.management.base import BaseCommand, CommandError

from honours.chain import chain_verify
from honours.models import Campaign
from honours.standings import formula_text, logged_counts, standings, tallied_counts, vote_counts


def standings_table(campaign) -> list[str]:
    lines = [f"{'名次':<4} {'候选人ID':<8} {'姓名':<8} {'有效票':>7} {'投票分':>7} {'评审分':>7} {'综合':>7}  荣誉"]
    for s in standings(campaign):
        lines.append(
            f"{s.rank:<6} {s.candidate_id:<10} {s.name:<8} {s.votes:>9} {s.vote_score:>9} "
            f"{'' if s.panel is None else s.panel:>9} {'' if s.combined is None else s.combined:>9}  {s.honour}"
        )
    return lines


class Command(BaseCommand):
    help = "校验投票日志哈希链，并按公布的公式从日志重新计算排名。"

    def add_arguments(self, parser):
        parser.add_argument("campaign", type=int)

    def handle(self, *args, campaign, **options):
        camp = Campaign.objects.filter(pk=campaign).first()
        if camp is None:
            raise CommandError(f"评选活动 {campaign} 不存在。")
        report = chain_verify(camp.pk)
        if not report.ok:
            self.stderr.write(f"哈希链校验失败：序号 {report.first_bad_seq}：{report.problem}")
        else:
            self.stdout.write(f"哈希链校验通过：{report.rows} 条记录。")
        for day, seq, digest in report.digests:
            self.stdout.write(f"  {day} 末条 {seq} 摘要 {digest}")
        logged = {cid: n for cid, n in logged_counts(camp.pk).items() if n}
        tally = tallied_counts(camp.pk)
        if tally != logged:  # the pages count from the tally; it must say what the log says
            self.stderr.write(f"票数合计与投票日志不一致：合计 {tally}，日志 {logged}")
        else:
            self.stdout.write(f"票数合计与投票日志一致：{sum(logged.values())} 票。")
        self.stdout.write(f"有效票总数：{sum(vote_counts(camp.pk).values())}")
        self.stdout.write(formula_text(camp))
        for line in standings_table(camp):
            self.stdout.write(line)
        if not report.ok:
            raise CommandError("投票日志被改动，结果不可信。")
        if tally != logged:
            raise CommandError("票数合计与投票日志不一致，结果不可信。")
