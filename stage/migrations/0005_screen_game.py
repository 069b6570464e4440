# The hall quiz on the event's big screen (issue 14: one screen URL for the final and the hall quiz).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('stage', '0004_device_binding'),
    ]

    operations = [
        migrations.AddField(
            model_name='stageevent',
            name='screen_game',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='stage.quizgame'),
        ),
    ]
