"""A new attempt and its frozen paper in one PostgreSQL statement (attempt start at the bell).

The ORM path takes four round trips (BEGIN, INSERT attempt, INSERT items, COMMIT) and builds an INSERT
for each model; at the bell every round trip waits for a busy machine to schedule the database and then
the request's thread again. Here one INSERT … RETURNING for the attempt with the items' INSERT in the same
statement, fed by one array per column (unnest): written together or not at all without a transaction
around it, and a second active attempt still fails on the partial unique index (IntegrityError), as on
the ORM path.

Columns and their types come from the models' metadata and every value from the field itself
(`pre_save` + `get_db_prep_save`), so a new field with a default is written the way the ORM would write it."""

from __future__ import annotations

import json
from contextlib import nullcontext
from functools import cache

from django.db import connection, models, transaction

from .models import Attempt, AttemptItem


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _item_fields() -> list[models.Field]:
    """The items' columns fed by the arrays; the attempt column comes from the attempt's INSERT."""
    return [f for f in _fields(AttemptItem) if f.name != "attempt"]


def _type(field: models.Field) -> str:
    return "jsonb" if isinstance(field, models.JSONField) else field.db_type(connection)


def _value(field: models.Field, obj: models.Model):
    value = field.pre_save(obj, add=True)
    if isinstance(field, models.JSONField):
        # sent as text and cast in the statement: a list of psycopg Jsonb wrappers does not make a jsonb[]
        return None if value is None else json.dumps(value, cls=field.encoder)
    return field.get_db_prep_save(value, connection)


@cache  # one database per process: the statement is built once
def insert_sql() -> str:
    attempt_fields = _fields(Attempt)
    item_fields = _item_fields()
    attempt_columns = ", ".join(_q(f.column) for f in attempt_fields)
    attempt_values = ", ".join(f"%s::{_type(f)}" for f in attempt_fields)
    item_columns = ", ".join(_q(f.column) for f in item_fields)
    # jsonb travels as text[] (see _value) and is cast element by element
    arrays = ", ".join(f"%s::{'text' if _type(f) == 'jsonb' else _type(f)}[]" for f in item_fields)
    names = [f"c{i}" for i in range(len(item_fields))]
    picked = ", ".join(
        f"v.{n}::jsonb" if _type(f) == "jsonb" else f"v.{n}" for n, f in zip(names, item_fields, strict=True)
    )
    pk = _q(Attempt._meta.pk.column)
    return (
        f"WITH a AS (INSERT INTO {_q(Attempt._meta.db_table)} ({attempt_columns}) "  # noqa: S608 - names from model metadata
        f"VALUES ({attempt_values}) RETURNING {pk}), "
        f"i AS (INSERT INTO {_q(AttemptItem._meta.db_table)} ({_q(AttemptItem._meta.get_field('attempt').column)}, "
        f"{item_columns}) SELECT a.{pk}, {picked} FROM a, unnest({arrays}) AS v({', '.join(names)})) "
        f"SELECT {pk} FROM a"
    )


def insert_attempt_with_items(attempt: Attempt, items: list[AttemptItem]) -> None:
    """Insert `attempt` (unsaved) and `items` (their `attempt` left unset) together; sets attempt.pk.
    Raises IntegrityError, having written nothing, when a constraint refuses the attempt or an item."""
    params = [_value(f, attempt) for f in _fields(Attempt)]
    params += [[_value(f, item) for item in items] for f in _item_fields()]
    # inside a caller's transaction a failed statement must not abort it: a savepoint, as the ORM path has
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with guard, connection.cursor() as cursor:
        cursor.execute(insert_sql(), params)
        (attempt.pk,) = cursor.fetchone()
    attempt._state.adding = False
    attempt._state.db = connection.alias
