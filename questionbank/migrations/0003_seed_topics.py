"""The topic tree (专题) every deployment starts with. Idempotent; organisers add more in the UI."""

from django.db import migrations

TOPICS = [
    ("党的二十大精神", []),
    ("法治教育", ["宪法", "未成年人保护法", "预防未成年人犯罪法", "家庭教育促进法", "民法典"]),
    ("心理健康", []),
    ("党史·新中国史·改革开放史·社会主义发展史·中华民族发展史", []),
    ("禁毒与安全", []),
]


def seed_topics(apps, schema_editor):
    Topic = apps.get_model("questionbank", "Topic")
    for order, (name, children) in enumerate(TOPICS, start=1):
        parent, _ = Topic.objects.get_or_create(parent=None, name=name, defaults={"order": order * 10})
        for child_order, child in enumerate(children, start=1):
            Topic.objects.get_or_create(parent=parent, name=child, defaults={"order": child_order * 10})


class Migration(migrations.Migration):
    dependencies = [("questionbank", "0002_importjob")]

    operations = [migrations.RunPython(seed_topics, migrations.RunPython.noop)]
