from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Organization, OrgKind
from honours.errors import HonoursError
from honours.models import Campaign
from honours.services.codes import FamilySlip, vote_code_batch_issue
from honours.slips import slips_pdf


class Command(BaseCommand):
    help = (
        "按班级或学校批量生成家庭投票码（每户一码：兄弟姐妹按名单的家庭编号/家长手机认定），"
        "输出可打印的 A4 二维码纸条 PDF。"
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign", type=int)
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--class", dest="klass", type=int, help="班级组织 ID")
        where.add_argument("--school", type=int, help="学校组织 ID（为其下每个班级各发一批）")
        parser.add_argument("--out", required=True, help="输出 PDF 路径，如 slips.pdf")

    def handle(self, *args, campaign, klass, school, out, **options):
        camp = Campaign.objects.filter(pk=campaign).first()
        if camp is None:
            raise CommandError(f"评选活动 {campaign} 不存在。")
        org_id = klass or school
        org = Organization.objects.filter(pk=org_id).first()
        if org is None:
            raise CommandError(f"组织 {org_id} 不存在。")
        if klass and org.kind != OrgKind.CLASS:
            raise CommandError(f"组织 {org_id} 不是班级。")
        if school and org.kind not in (OrgKind.SCHOOL, OrgKind.STATION):
            raise CommandError(f"组织 {org_id} 不是学校。")
        classes = [org] if klass else list(Organization.objects.filter(parent=org, kind=OrgKind.CLASS).order_by("name"))
        now = timezone.now()
        all_codes, skipped, students, sibling_skipped = [], 0, 0, 0
        for c in classes:
            try:
                issued = vote_code_batch_issue(campaign=camp, klass=c, now=now)
            except HonoursError as exc:
                if klass:
                    raise CommandError(exc.message) from exc
                self.stdout.write(f"{c.name}：{exc.message}（跳过）")
                skipped += 1
                continue
            all_codes += [FamilySlip(f"{c.name} {s.name}", s.code, s.siblings) for s in issued.slips]
            students += issued.students
            sibling_skipped += issued.sibling_skipped
            self.stdout.write(
                f"{c.name}：批次 {issued.batch.pk}，{len(issued.slips)} 个投票码（{len(issued.slips)} 户），"
                f"{issued.students} 名学生，{issued.sibling_skipped} 名由兄弟姐妹的投票码覆盖（未重复发放）"
            )
        if classes and skipped == len(classes):
            raise CommandError("该范围内的班级都已发放过投票码，未生成新的纸条。")
        with open(out, "wb") as fh:
            fh.write(slips_pdf(title=camp.title, class_name=org.name, codes=all_codes))
        self.stdout.write(
            self.style.SUCCESS(
                f"已写入 {out}（共 {len(all_codes)} 张纸条：{len(all_codes)} 户，覆盖 {students} 名学生，"
                f"其中 {sibling_skipped} 名由兄弟姐妹的投票码覆盖）"
            )
        )
