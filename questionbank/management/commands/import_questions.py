from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import User
from questionbank.errors import ImportFileError, QuestionActionDenied, SelfReviewRefused
from questionbank.importers.readers import FORMATS, detect_format
from questionbank.models import Topic
from questionbank.services.importing import TopicResolver, import_check, import_write


class Command(BaseCommand):
    help = _("从 xlsx/csv/json/GIFT/Aiken/Moodle XML 文件导入题目（与网页导入同一套检查规则）。")

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("题目文件路径"))
        parser.add_argument("--format", choices=sorted(FORMATS), help=_("文件格式（默认按扩展名识别）"))
        parser.add_argument("--topic", help=_("默认专题（文件中未写专题时使用），如 法治教育/宪法"))
        parser.add_argument("--dry-run", action="store_true", help=_("只检查，不写入"))
        parser.add_argument("--publish", action="store_true", help=_("导入后直接发布（生成第 1 版）"))
        parser.add_argument("--only-valid", action="store_true", help=_("跳过有错误的行，只导入无误的行"))
        parser.add_argument("--user", help=_("记为出题人的用户名（默认不记出题人）"))

    def handle(self, *args, path, format, topic, dry_run, publish, only_valid, user, **options):
        file_path = Path(path)
        if not file_path.is_file():
            raise CommandError(_("找不到文件：{path}").format(path=path))
        if file_path.stat().st_size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise CommandError(
                _("文件过大，上限 {limit} MB。").format(limit=settings.IMPORT_MAX_UPLOAD_BYTES // 1048576)
            )
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(_("没有用户名为 {user} 的用户。").format(user=user))
        default_topic = None
        if topic:
            found = TopicResolver().resolve(topic)
            if not isinstance(found, Topic):
                raise CommandError(found)
            default_topic = found
        try:
            fmt = detect_format(file_path.name, format)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        report = import_check(data=file_path.read_bytes(), fmt=fmt, actor=actor, default_topic=default_topic)
        for line in report.error_lines():
            self.stderr.write(line)
        counts = report.counts
        summary = _("新增 {new}，更新 {update}，未变化 {unchanged}，有错误 {error}").format(**counts)
        if report.file_error:
            raise CommandError(_("文件无法导入，数据库未改动。"))
        if dry_run:
            self.stdout.write(_("检查完成（未写入）：{summary}").format(summary=summary))
            if not report.ok:
                raise CommandError(_("文件中有错误。"))
            return
        try:
            result = import_write(report=report, actor=actor, publish=publish, only_valid=only_valid)
        except (ImportFileError, QuestionActionDenied, SelfReviewRefused) as exc:
            raise CommandError(f"{exc}（{summary}）") from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("导入完成：写入 {written} 道题。{summary}").format(written=result["written"], summary=summary)
            )
        )
        if not report.ok:
            # only-valid run: the valid rows are in, but the file still had errors
            raise CommandError(_("已跳过 {value} 行有错误的题目。").format(value=counts["error"]))
