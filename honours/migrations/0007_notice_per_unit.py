"""A notice belongs to (level, unit). Each old level-wide notice is split into one notice per unit of the
candidates it listed — the unit recorded on the candidate's approval at that level (the one whose quota it
took) — with the same dates and publisher, and each objection follows its candidate's unit notice. A
notice that listed nobody, and the final notice, become the campaign owner's (city) notice."""

import django.db.models.deletion
from django.db import migrations, models

ORG_KINDS = {"school": ("school", "station"), "town": ("town",), "district": ("district",), "city": ("city",)}


def _unit(Organization, kind: str, school):
    """honours.services.quotas.unit_for, restated for historical models."""
    kinds = ORG_KINDS[kind]
    if school.kind in kinds:
        return school
    ids = [int(p) for p in school.path.strip("/").split("/") if p]
    found = Organization.objects.filter(pk__in=ids, kind__in=kinds).first()
    if found is None:
        return Organization.objects.get(pk=school.parent_id) if school.parent_id else school
    return found


def split_by_unit(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # fire the deferred FK checks now, so the ALTER that follows finds no pending trigger events
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Notice = apps.get_model("honours", "Notice")
    Objection = apps.get_model("honours", "Objection")
    Organization = apps.get_model("accounts", "Organization")
    LevelApproval = apps.get_model("honours", "LevelApproval")
    for notice in Notice.objects.filter(unit__isnull=True).select_related("campaign", "level").order_by("pk"):
        owner_id = notice.campaign.owner_org_id
        groups: dict[int, list] = {}
        if not notice.final:
            approved_by = dict(
                LevelApproval.objects.filter(level_id=notice.level_id).values_list("candidate_id", "unit_id")
            )
            for cand in notice.candidates.select_related("school"):
                unit_id = approved_by.get(cand.pk) or _unit(Organization, notice.level.kind, cand.school).pk
                groups.setdefault(unit_id, []).append(cand)
        if not groups:
            notice.unit_id = owner_id
            notice.save(update_fields=["unit"])
            continue
        first, *rest = sorted(groups)
        notice.unit_id = first
        notice.save(update_fields=["unit"])
        notice.candidates.set(groups[first])
        for unit_id in rest:
            part = Notice.objects.create(
                campaign_id=notice.campaign_id,
                level_id=notice.level_id,
                unit_id=unit_id,
                final=False,
                starts_on=notice.starts_on,
                ends_on=notice.ends_on,
                published_by_id=notice.published_by_id,
                published_at=notice.published_at,
            )
            part.candidates.set(groups[unit_id])
            ids = [c.pk for c in groups[unit_id]]
            Objection.objects.filter(notice=notice, candidate_id__in=ids).update(notice=part)


def merge_back(apps, schema_editor):
    """Reverse: the unit notices of a level fold into the one that was first published."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Notice = apps.get_model("honours", "Notice")
    Objection = apps.get_model("honours", "Objection")
    keep: dict[tuple[int, bool], object] = {}
    for notice in Notice.objects.order_by("published_at", "pk"):
        key = (notice.level_id, notice.final)
        if key not in keep:
            keep[key] = notice
            continue
        survivor = keep[key]
        survivor.candidates.add(*notice.candidates.all())
        Objection.objects.filter(notice=notice).update(notice=survivor)
        notice.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("honours", "0006_remove_campaign_rubric"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="notice", name="honours_notice_per_level"),
        migrations.AddField(
            model_name="notice",
            name="unit",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organization",
                verbose_name="公示单位",
            ),
        ),
        migrations.RunPython(split_by_unit, merge_back),
        migrations.AlterField(
            model_name="notice",
            name="unit",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organization",
                verbose_name="公示单位",
            ),
        ),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.UniqueConstraint(fields=("level", "unit", "final"), name="honours_notice_per_unit"),
        ),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.UniqueConstraint(
                condition=models.Q(("final", True)), fields=("campaign",), name="honours_final_notice_per_campaign"
            ),
        ),
    ]
