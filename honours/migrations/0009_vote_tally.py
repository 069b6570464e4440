"""Votes per candidate and hour kept by a trigger on the log (VoteTally), filled from the log as it stands.

PostgreSQL: one statement-level trigger with a transition table, so a group-committed INSERT of a batch
adds to each (candidate, hour) once. SQLite (the embedded default): a row trigger with an upsert."""

import django.db.models.deletion
from django.db import migrations, models

PG_CREATE = """
CREATE OR REPLACE FUNCTION honours_vote_tally() RETURNS trigger AS $$
BEGIN
    INSERT INTO honours_votetally (campaign_id, candidate_id, hour, votes)
    SELECT campaign_id, candidate_id, date_trunc('hour', cast_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*) FROM honours_vote_new GROUP BY 1, 2, 3
    ON CONFLICT (candidate_id, hour) DO UPDATE SET votes = honours_votetally.votes + EXCLUDED.votes;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER honours_vote_tally AFTER INSERT ON honours_vote
    REFERENCING NEW TABLE AS honours_vote_new FOR EACH STATEMENT EXECUTE FUNCTION honours_vote_tally();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS honours_vote_tally ON honours_vote;
DROP FUNCTION IF EXISTS honours_vote_tally();
"""
PG_BACKFILL = """
INSERT INTO honours_votetally (campaign_id, candidate_id, hour, votes)
SELECT campaign_id, candidate_id, date_trunc('hour', cast_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*) FROM honours_vote GROUP BY 1, 2, 3
"""
# Django keeps SQLite datetimes as UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]"
SQLITE_CREATE = """
CREATE TRIGGER honours_vote_tally AFTER INSERT ON honours_vote BEGIN
    INSERT INTO honours_votetally (campaign_id, candidate_id, hour, votes)
    VALUES (NEW.campaign_id, NEW.candidate_id, strftime('%Y-%m-%d %H:00:00', NEW.cast_at), 1)
    ON CONFLICT (candidate_id, hour) DO UPDATE SET votes = votes + 1;
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS honours_vote_tally;"
SQLITE_BACKFILL = """
INSERT INTO honours_votetally (campaign_id, candidate_id, hour, votes)
SELECT campaign_id, candidate_id, strftime('%Y-%m-%d %H:00:00', cast_at), count(*) FROM honours_vote GROUP BY 1, 2, 3
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("LOCK TABLE honours_vote IN SHARE MODE")  # no vote slips between fill and trigger
        schema_editor.execute(PG_CREATE)
        schema_editor.execute(PG_BACKFILL)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE, None)  # None: no placeholders, so strftime's % stays as is
        schema_editor.execute(SQLITE_BACKFILL, None)
    else:
        raise RuntimeError(f"honours needs a vote tally trigger for {vendor}")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(PG_DROP if vendor == "postgresql" else SQLITE_DROP)
    schema_editor.execute("DELETE FROM honours_votetally")


class Migration(migrations.Migration):
    dependencies = [
        ("honours", "0008_family_codes"),
    ]

    operations = [
        migrations.CreateModel(
            name="VoteTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("hour", models.DateTimeField()),
                ("votes", models.BigIntegerField(default=0)),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="honours.campaign"
                    ),
                ),
                (
                    "candidate",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="honours.candidate"
                    ),
                ),
            ],
            options={
                "verbose_name": "候选人每小时票数",
                "verbose_name_plural": "候选人每小时票数",
                "indexes": [models.Index(fields=["campaign", "hour"], name="honours_vot_campaig_666712_idx")],
                "constraints": [models.UniqueConstraint(fields=("candidate", "hour"), name="honours_tally_per_hour")],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
