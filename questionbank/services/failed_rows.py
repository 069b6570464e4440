"""The rows of a question import that failed the check, as a spreadsheet in the template's columns with the
reasons in a last column: the teacher fixes them there and uploads that file again. Any input format (xlsx,
csv, json, GIFT, Aiken, Moodle XML) comes back as xlsx."""

from __future__ import annotations

from ..answers import OPTION_KEYS, format_answer
from ..errors import ValueUnrecognised
from ..importers.readers import TEMPLATE_HEADERS, read_rows
from ..importers.writers import _workbook
from ..models import ImportJob, Topic
from .content import parse_qtype
from .importing import import_check

ERROR_COLUMN = "错误原因"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "、".join(_text(v) for v in value)
    return str(value)


def _answer_text(values: dict) -> str:
    answer = values.get("answer")
    if isinstance(answer, str) or answer is None:
        return _text(answer)
    try:
        return format_answer(parse_qtype(_text(values.get("qtype"))), answer)
    except ValueUnrecognised:
        return _text(answer)


def _template_row(values: dict) -> list[str]:
    options = values.get("options")
    if isinstance(options, list):
        texts = [_text(o.get("text") if isinstance(o, dict) else o) for o in options]
    else:
        texts = [_text(values.get(f"option{key}")) for key in OPTION_KEYS]
    texts = (texts + [""] * len(OPTION_KEYS))[: len(OPTION_KEYS)]
    return [
        _text(values.get("qtype")),
        _text(values.get("stem")),
        *texts,
        _answer_text(values),
        _text(values.get("explanation")),
        _text(values.get("topic")),
        _text(values.get("difficulty")),
        _text(values.get("grade_bands")),
        _text(values.get("source")),
        _text(values.get("tags")),
    ]


def import_job_failed_rows_xlsx(*, job: ImportJob) -> bytes:
    """Re-reads the job's stored file (the preview keeps only a capped summary) and checks it again."""
    with job.file.open("rb") as fh:
        data = fh.read()
    topic_id = job.options.get("default_topic_id")
    default_topic = Topic.objects.filter(pk=topic_id).first() if topic_id else None
    report = import_check(data=data, fmt=job.format, actor=job.created_by, default_topic=default_topic)
    reasons = {
        r.number: "；".join((f"{column}：" if column else "") + message for column, message in r.errors)
        for r in report.rows
        if r.status == "error"
    }
    rows = []
    if reasons:
        for raw in read_rows(data, job.format):
            if raw.number in reasons:
                rows.append([*_template_row(raw.values), f"{raw.where}：{reasons[raw.number]}"])
    return _workbook([*TEMPLATE_HEADERS, ERROR_COLUMN], rows)
