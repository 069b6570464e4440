import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("honours", "0003_campaign_pages_transition_files"),
        ("judging", "0005_rubric_without_contest"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="panel_rubric",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="honours_campaign",
                to="judging.rubric",
                verbose_name="评审细则",
            ),
        ),
    ]
