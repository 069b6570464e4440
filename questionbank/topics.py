"""The base topic tree (专题) every deployment starts with; organisers add more in the UI."""

from .models import Topic

BASE_TOPICS = [
    ("党的二十大精神", []),
    ("法治教育", ["宪法", "未成年人保护法", "预防未成年人犯罪法", "家庭教育促进法", "民法典"]),
    ("心理健康", []),
    ("党史·新中国史·改革开放史·社会主义发展史·中华民族发展史", []),
    ("禁毒与安全", []),
]


def topics_ensure_base() -> None:
    """Create whatever of the base tree is missing (idempotent). Migration 0003 seeds it at install;
    seed_demo calls this too, so demo data never depends on the migration's rows having survived."""
    for order, (name, children) in enumerate(BASE_TOPICS, start=1):
        parent, _ = Topic.objects.get_or_create(parent=None, name=name, defaults={"order": order * 10})
        for child_order, child in enumerate(children, start=1):
            Topic.objects.get_or_create(parent=parent, name=child, defaults={"order": child_order * 10})
