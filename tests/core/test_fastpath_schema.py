"""Schema contract of the fast paths' raw SQL: every table it names is a model's db_table and every
column it reads or writes is a column of that model (`_meta`), so a rename breaks this test, not the
busiest second of a contest in production."""

import importlib
import re

import pytest
from django.apps import apps

from competitions import fastpath as answers
from honours import fastpath as votes
from reading import fastpath as progress

QUOTED = re.compile(r'"(\w+)"(?:\s+(?:AS\s+)?(?!(?:ON|SET|WHERE|JOIN|FROM|AS)\b)([a-z]\w*))?')
QUALIFIED = re.compile(r"\b([a-z]\w*)\.([a-z_]\w*)\b")
DERIVED = re.compile(r"\b(\w+) AS \(|\bAS (\w+)\(")  # CTE names and unnest(...) AS x(...) row aliases
INSERT = re.compile(r'INSERT INTO "(\w+)" \(([^)]*)\)')
CONFLICT = re.compile(r"ON CONFLICT \(([^)]*)\)")
UPDATE = re.compile(r'UPDATE "(\w+)"(?: AS (\w+))? SET (.*?)(?= FROM | WHERE |$)')
ASSIGNED = re.compile(r"(?:^|,)\s*(\w+)\s*=(?!=)")
UNALIASED_WHERE = re.compile(r"(?:WHERE|AND)\s+(\w+)\s*(?:=|IS\b)")


def columns_by_table() -> dict[str, set[str]]:
    return {m._meta.db_table: {f.column for f in m._meta.concrete_fields} for m in apps.get_models()}


def schema_problems(sql: str, schema: dict[str, set[str]]) -> list[str]:
    problems, aliases = [], {}
    for table, alias in QUOTED.findall(sql):
        if table not in schema:
            problems.append(f"no model has db_table {table!r}")
        elif alias:
            aliases[alias] = table
    derived = {name for pair in DERIVED.findall(sql) for name in pair if name}
    for alias, column in QUALIFIED.findall(sql):
        if alias in aliases:
            if column not in schema.get(aliases[alias], ()):
                problems.append(f"{aliases[alias]} has no column {column!r}")
        elif alias not in derived:
            problems.append(f"unknown alias {alias!r} in {alias}.{column}")
    for table, cols in INSERT.findall(sql):
        wanted = [c.strip() for c in cols.split(",")]
        for conflict in CONFLICT.findall(sql):
            wanted += [c.strip() for c in conflict.split(",")]
        problems += [f"{table} has no column {c!r}" for c in wanted if c not in schema.get(table, ())]
    for table, alias, assignments in UPDATE.findall(sql):
        wanted = ASSIGNED.findall(assignments)
        if not alias:
            wanted += UNALIASED_WHERE.findall(sql)
        problems += [f"{table} has no column {c!r}" for c in wanted if c not in schema.get(table, ())]
    return problems


def every_statement() -> dict[str, str]:
    found = {f"answers.{k}": v for k, v in answers.statements()._asdict().items()}
    found |= {f"votes.{k}": v for k, v in votes.statements()._asdict().items()}
    found["progress.lookup"] = progress.progress_lookup_sql()
    found["progress.save"] = progress.progress_save_sql()
    found["tokens"] = answers.AnswerFastPath(None).tokens.sql()
    found["votes.honours_vote_batch"] = vote_batch_function()
    return found


def vote_batch_function() -> str:
    """The body of the PostgreSQL function the vote fast path calls, as its migration creates it."""
    return importlib.import_module("honours.migrations.0010_vote_batch_function").VOTE_BATCH_SQL


@pytest.mark.parametrize("name", sorted(every_statement()))
def test_every_table_and_column_the_raw_sql_names_is_in_the_models(name):
    assert schema_problems(every_statement()[name], columns_by_table()) == []


def test_the_check_catches_a_renamed_column_or_table():
    schema = columns_by_table()
    save = answers.statements().save
    assert schema_problems(save.replace("saved_at = v.saved_at", "stored_at = v.saved_at"), schema) == [
        "competitions_attemptitem has no column 'stored_at'"
    ]
    assert schema_problems(save.replace("a.deadline FROM", "a.due FROM"), schema) == [
        "competitions_attempt has no column 'due'"
    ]
    function = vote_batch_function()
    assert schema_problems(function.replace('"honours_chainhead" AS hh', '"honours_head" AS hh'), schema)
    assert schema_problems(function.replace("used, day_limit)", "used, cap)"), schema) == [
        "honours_voterday has no column 'cap'"
    ]
    assert schema_problems(function.replace("vc.first_used_at IS NULL", "vc.used_at IS NULL"), schema) == [
        "honours_votecode has no column 'used_at'"
    ]
