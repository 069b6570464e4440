"""On PostgreSQL the vote log refuses UPDATE and DELETE outright: the hash chain detects a rewrite,
this stops one (short of a superuser disabling the trigger, which the chain then still exposes)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION honours_vote_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'honours_vote is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER honours_vote_append_only BEFORE UPDATE OR DELETE ON honours_vote
    FOR EACH ROW EXECUTE FUNCTION honours_vote_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS honours_vote_append_only ON honours_vote;
DROP FUNCTION IF EXISTS honours_vote_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("honours", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
