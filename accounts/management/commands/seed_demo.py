import csv
import importlib

from django.core.management.base import BaseCommand, CommandError

from accounts.demo import seed_organisations_and_people
from core.spreadsheet import safe_cell

DEFAULT_PASSWORD = "Nantong@2026"
# Each app may provide `<app>.demo.seed(ctx, stdout)` to add its own demo content.
DEMO_APPS = ["questionbank", "competitions", "judging", "results", "stage", "honours", "reading", "playlist"]


class Command(BaseCommand):
    help = "创建或补全演示数据（可重复运行，不会重复创建）。"

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=40, help="演示学生人数（默认 40）")
        parser.add_argument("--password", default=None, help=f"所有演示账号的统一密码（默认 {DEFAULT_PASSWORD}）")
        parser.add_argument(
            "--accounts-csv", default=None, help="同时把演示账号写入该 CSV 文件（role,username,password）"
        )
        parser.add_argument("--quiet-accounts", action="store_true", help="不逐个打印学生账号")

    def handle(self, *args, students, password, accounts_csv, quiet_accounts, **options):
        if students < 0:
            raise CommandError("--students 不能为负数")
        ctx = seed_organisations_and_people(
            password=password or DEFAULT_PASSWORD, students=students, reset_passwords=password is not None
        )
        for app in DEMO_APPS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            module.seed(ctx, self.stdout)

        self.stdout.write(self.style.SUCCESS("演示数据已就绪。演示账号（角色 用户名 密码）："))
        for role, username, pw in ctx.accounts:
            if quiet_accounts and role == "student" and not username.endswith("001"):
                continue
            self.stdout.write(f"  {role:<10} {username:<14} {pw}")
        if accounts_csv:
            with open(accounts_csv, "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(["role", "username", "password"])
                writer.writerows([safe_cell(v) for v in row] for row in ctx.accounts)
            self.stdout.write(f"账号已写入 {accounts_csv}")
