from django.core.management.base import BaseCommand, CommandError

from stage.models import StageEvent
from stage.verify import verify


class Command(BaseCommand):
    help = "根据公开的种子和公开输入重新计算出场顺序，并与承诺值和已存顺序核对。"

    def add_arguments(self, parser):
        parser.add_argument("event_id", type=int)
        parser.add_argument("--seed", default=None, help="种子（默认用活动已公开的种子）")
        parser.add_argument("--public-input", default=None, help="公开输入（默认用活动已记录的公开输入）")

    def handle(self, *args, event_id, seed, public_input, **options):
        event = StageEvent.objects.filter(pk=event_id).first()
        if event is None:
            raise CommandError("没有该活动。")
        result = verify(event, seed=seed, public_input=public_input)
        if result is None:
            raise CommandError("尚未抽签，种子未公开。")
        self.stdout.write(f"承诺值 {result.commitment}")
        self.stdout.write(f"SHA-256(种子) {'与承诺值一致' if result.commitment_ok else '与承诺值不一致！'}")
        self.stdout.write("重新计算的顺序: " + " ".join(result.order))
        self.stdout.write("已存的顺序:     " + " ".join(result.stored))
        if not result.order_ok:
            raise CommandError("核对失败：顺序或承诺值不一致。")
        self.stdout.write(self.style.SUCCESS("核对一致。"))
