"""What an import check produces: one `RowResult` per question row and the `ImportReport` the preview,
the failed-rows spreadsheet and `import_write` read."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import Topic
from .content import QuestionContentData

STATUS_LABELS = {"new": "新增", "update": "更新", "unchanged": "未变化", "error": "有错误"}
FIELD_COLUMNS = {
    "qtype": "题型",
    "stem": "题干",
    "options": "选项",
    "answer": "答案",
    "explanation": "解析",
    "difficulty": "难度",
    "grade_bands": "学段",
    "source": "出处",
    "tags": "标签",
    "topic": "专题",
}


@dataclass
class RowResult:
    number: int
    where: str
    status: str = "new"
    stem: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)
    topic: Topic | None = None
    content: QuestionContentData | None = None
    fingerprint: str = ""
    question_id: int | None = None
    # exported without its key (reserved by a running formal contest): kept as it is in the bank
    withheld: bool = False

    def as_dict(self) -> dict:
        return {
            "n": self.number,
            "where": self.where,
            "status": self.status,
            "status_label": STATUS_LABELS[self.status],
            "stem": self.stem[:80],
            "topic": self.topic.name if self.topic else "",
            "errors": [list(e) for e in self.errors],
        }


@dataclass
class ImportReport:
    fmt: str
    rows: list[RowResult] = field(default_factory=list)
    file_error: str = ""

    @property
    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "update": 0, "unchanged": 0, "error": 0}
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def ok(self) -> bool:
        return not self.file_error and all(r.status != "error" for r in self.rows)

    def error_lines(self) -> list[str]:
        if self.file_error:
            return [self.file_error]
        return [
            f"{row.where}" + (f"【{col}】" if col else "") + f"：{message}"
            for row in self.rows
            for col, message in row.errors
        ]
