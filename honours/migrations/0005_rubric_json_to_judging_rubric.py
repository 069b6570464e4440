"""Each campaign's rubric JSON ([{"name", "max_points", "weight"}]) becomes a judging Rubric without a
contest, with one Criterion per item in the same order; panel scores' points are re-keyed from criterion
name to criterion id, and a rubric that already has scores is frozen at the first score's time."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations
from django.db.models import Min


def _number(value) -> int | float:
    d = Decimal(value)
    return int(d) if d == d.to_integral_value() else float(d)


def rubric_json_to_model(apps, schema_editor):
    Campaign = apps.get_model("honours", "Campaign")
    PanelScore = apps.get_model("honours", "PanelScore")
    Rubric = apps.get_model("judging", "Rubric")
    Criterion = apps.get_model("judging", "Criterion")
    for campaign in Campaign.objects.filter(panel_rubric__isnull=True).order_by("pk"):
        items = [c for c in (campaign.rubric or []) if c.get("name")]
        if not items:
            continue
        scores = PanelScore.objects.filter(candidate__campaign=campaign)
        rubric = Rubric.objects.create(contest=None, frozen_at=scores.aggregate(first=Min("at"))["first"])
        ids = {}
        for order, item in enumerate(items, start=1):
            criterion = Criterion.objects.create(
                rubric=rubric,
                order=order,
                name=str(item["name"])[:50],
                description=str(item.get("description") or ""),
                max_points=Decimal(str(item["max_points"])).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
                weight=Decimal(str(item.get("weight", 1))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
            )
            ids[criterion.name] = str(criterion.pk)
        campaign.panel_rubric = rubric
        campaign.save(update_fields=["panel_rubric"])
        for score in scores:
            score.points = {ids.get(name, name): value for name, value in score.points.items()}
            score.save(update_fields=["points"])


def rubric_model_to_json(apps, schema_editor):
    Campaign = apps.get_model("honours", "Campaign")
    PanelScore = apps.get_model("honours", "PanelScore")
    Criterion = apps.get_model("judging", "Criterion")
    for campaign in Campaign.objects.filter(panel_rubric__isnull=False).order_by("pk"):
        rubric = campaign.panel_rubric
        criteria = list(Criterion.objects.filter(rubric=rubric).order_by("order", "id"))
        campaign.rubric = [
            {"name": c.name, "max_points": _number(c.max_points), "weight": _number(c.weight)} for c in criteria
        ]
        campaign.panel_rubric = None
        campaign.save(update_fields=["rubric", "panel_rubric"])
        names = {str(c.pk): c.name for c in criteria}
        for score in PanelScore.objects.filter(candidate__campaign=campaign):
            score.points = {names.get(key, key): value for key, value in score.points.items()}
            score.save(update_fields=["points"])
        rubric.delete()


class Migration(migrations.Migration):
    dependencies = [("honours", "0004_campaign_panel_rubric")]

    operations = [migrations.RunPython(rubric_json_to_model, rubric_model_to_json)]
