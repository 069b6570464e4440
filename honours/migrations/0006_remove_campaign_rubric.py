from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("honours", "0005_rubric_json_to_judging_rubric")]

    operations = [migrations.RemoveField(model_name="campaign", name="rubric")]
