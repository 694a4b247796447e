"""Many rows of one model written at once: ``insert`` (a multi-row ``INSERT … RETURNING`` per
batch; on PostgreSQL one ``COPY`` with keys drawn from the table's sequence first) and
``update`` (one ``UPDATE … FROM (VALUES …)`` per batch).

They do what ``QuerySet.bulk_create`` and ``bulk_update`` do for the writes of the change set
(an import writes tens of thousands of rows), without compiling every field of every object
through the ORM: the SQL is built once per batch size, a plain value (text, number, truth, a
key) is passed as it is and any other field converts its value as Django would
(``get_db_prep_save``). Inserted objects get their keys from ``RETURNING`` and are then saved
objects, as after ``bulk_create``. A database that lacks the SQL for either falls back to the
ORM's method.
"""

from __future__ import annotations

import sqlite3
import time as clock
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache, lru_cache
from operator import attrgetter

from django.db import connections, models, router
from django.utils import timezone
from django.utils.functional import Promise

# Fields whose value goes to the database as it is (Django's own preparation of them only
# checks or casts what is already a str, int or bool).
PLAIN = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}
BATCH = 1000  # rows per statement at most


def insert(model: type[models.Model], objs: list[models.Model]) -> list[models.Model]:
    """Insert ``objs`` (unsaved instances of ``model``) and set their keys; the same list."""
    if not objs:
        return objs
    db = router.db_for_write(model)
    connection = connections[db]
    if not connection.features.can_return_rows_from_bulk_insert or any(
        obj.pk is not None for obj in objs
    ):  # keys given by the caller are the ORM's to write
        return model.objects.bulk_create(objs)
    fields, stamped = _columns(model)
    now = timezone.now()  # of every row stamped on insert
    with connection.cursor() as cursor:
        if hasattr(cursor.cursor, "copy_expert"):  # psycopg2
            _copy(
                cursor,
                model,
                fields,
                objs,
                lambda part: _values(part, fields, connection, stamped=stamped, now=now),
            )
            for obj in objs:
                obj._state.adding, obj._state.db = False, db
            return objs
        rows = _values(objs, fields, connection, stamped=stamped, now=now)
        size, pk = _batch(connection, len(fields)), model._meta.pk
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(_sql(model, connection.alias, len(batch)), [v for r in batch for v in r])
            for obj, (key,) in zip(objs[start : start + size], cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, key)
                obj._state.adding, obj._state.db = False, db
    return objs


def insert_rows(model: type[models.Model], names: list[str], rows: list[tuple]) -> None:
    """Insert rows given as the values of the fields ``names`` (a relation by its key), when
    nobody needs their keys: no instances, one statement per batch (SQLite), one ``COPY``
    (PostgreSQL)."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)

    def prepared(part):
        return _prepared([list(r) for r in part], fields, connection)

    with connection.cursor() as cursor:
        if hasattr(cursor.cursor, "copy_expert"):  # psycopg2
            batches = (
                _copy_data(prepared(rows[start : start + BATCH]))
                for start in range(0, len(rows), BATCH)
            )
            _copy_logged(cursor, f"COPY {table} ({columns}) FROM STDIN", _Stream(batches))
            return
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {one}", prepared(rows))


def _copy(cursor, model, fields, objs, values) -> None:
    """PostgreSQL's bulk load: the keys drawn from the table's sequence (its own, whatever
    other writers draw at the same time), then every row in one ``COPY`` in text format,
    made ``BATCH`` rows at a time (``values`` of a batch of objects) while the server loads
    the batch before."""
    meta, quote = model._meta, cursor.db.ops.quote_name
    cursor.execute(  # the sequence looked up once, not for every key
        "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq) "
        "SELECT nextval(seq) FROM s, generate_series(1, %s)",
        [meta.db_table, meta.pk.column, len(objs)],
    )
    keys = [key for (key,) in cursor.fetchall()]
    for obj, key in zip(objs, keys, strict=True):
        setattr(obj, meta.pk.attname, key)
    batches = (
        _copy_data(values(objs[start : start + BATCH]), keys[start : start + BATCH])
        for start in range(0, len(objs), BATCH)
    )
    columns = ", ".join(quote(f.column) for f in [meta.pk, *fields])
    try:
        _copy_logged(
            cursor, f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN", _Stream(batches)
        )
    except BaseException:
        for obj in objs:  # nothing was written: the objects are as unsaved as before
            setattr(obj, meta.pk.attname, None)
        raise


def _copy_logged(cursor, sql: str, stream) -> None:
    """psycopg2's COPY, in Django's query log like every other statement when it is kept, and
    failing with Django's database errors."""
    start = clock.monotonic()
    with cursor.db.wrap_database_errors:
        cursor.cursor.copy_expert(sql, stream)
    if cursor.db.queries_logged:
        cursor.db.queries_log.append({"sql": sql, "time": f"{clock.monotonic() - start:.3f}"})


class _Stream:
    """COPY's input as psycopg2 reads it: each ``read`` is the next batch (whatever size it
    asks for, as psycopg2 allows), "" at the end."""

    def __init__(self, batches):
        self.batches = batches

    def read(self, size=-1) -> str:
        return next(self.batches, "")


# COPY's text format, built a batch of rows at a time: the values are joined with tokens that
# begin with NUL, which no value holds (PostgreSQL refuses it in text; ``_copy_value`` refuses
# it here), the characters COPY escapes are escaped in one pass over the batch's text, then the
# tokens become a tab, a line end, \N (NULL) and \\x (the start of bytes in hex).
FIELD, LINE, NULL, BYTES = "\x00t", "\x00n", "\x00N", "\x00B"
_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))  # backslash first
_TOKENS = ((NULL, "\\N"), (BYTES, "\\\\x"), (FIELD, "\t"), (LINE, "\n"))


def _copy_data(rows, keys=None) -> str:
    memo: dict = {}  # a value as text, by its type and value: many rows share a time, a list

    def text(value):
        try:
            return memo[value.__class__, value]
        except KeyError:
            memo[value.__class__, value] = converted = _copy_value(value)
            return converted
        except TypeError:  # unhashable
            return _copy_value(value)

    lines = (
        FIELD.join([v if type(v) is str and "\x00" not in v else text(v) for v in row]) + LINE
        for row in rows
    )
    if keys is not None:
        lines = (str(key) + FIELD + line for key, line in zip(keys, lines, strict=True))
    data = "".join(lines)
    for plain, escaped in (*_ESCAPES, *_TOKENS):
        if plain in data:
            data = data.replace(plain, escaped)
    return data


def _copy_value(value) -> str:
    """A value other than a str, as COPY's text format writes it (before escaping)."""
    if value is None:
        return NULL
    if isinstance(value, (str, Promise)):
        if "\x00" in str(value):  # PostgreSQL refuses it; here it would end a field
            raise ValueError("A string literal cannot contain NUL (0x00) characters.")
        return str(value)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, (date, time)):  # datetimes too
        return value.isoformat()
    adapted = getattr(value, "adapted", value)  # psycopg2's Json and Binary hold the value
    if isinstance(adapted, (bytes, bytearray, memoryview)):
        return BYTES + bytes(adapted).hex()
    if hasattr(value, "dumps"):  # psycopg2's Json
        return value.dumps(adapted)
    raise TypeError(f"no COPY text for {type(value).__name__}")


def update(model: type[models.Model], objs: list[models.Model], names: list[str]) -> int:
    """Write the fields ``names`` of ``objs`` (saved instances of ``model``) as the objects
    have them; the number of objects. A value may not be an expression (``F()``)."""
    if not objs:
        return 0
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "sqlite" and connection.Database.sqlite_version_info < (3, 33):
        return model.objects.bulk_update(objs, names, batch_size=500)
    meta = model._meta
    fields = [meta.pk, *(meta.get_field(name) for name in names)]
    rows = _values(objs, fields, connection)
    size = _batch(connection, len(fields))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            sql = _update_sql(model, connection.alias, tuple(names), len(batch))
            cursor.execute(sql, [v for r in batch for v in r])
    return len(objs)


def _values(objs, fields, connection, *, stamped=(), now=None) -> list[list]:
    """Each object's values of ``fields``, as the database takes them; the fields stamped on
    insert get the same time for every object. Equal values are converted once."""
    read = attrgetter(*(f.attname for f in fields))
    related = [(i, f) for i, f in enumerate(fields) if f.is_relation]
    now = now or timezone.now()
    rows = []
    for obj in objs:
        for field in stamped:
            setattr(obj, field.attname, now)
        row = list(read(obj)) if len(fields) > 1 else [read(obj)]
        for i, field in related:  # a relation set to an object saved since: its key
            if row[i] is None and (target := field.get_cached_value(obj, None)) is not None:
                row[i] = target.pk
                setattr(obj, field.attname, target.pk)
        rows.append(row)
    return _prepared(rows, fields, connection)


def _prepared(rows: list[list], fields, connection) -> list[list]:
    """The rows (lists of the values of ``fields``, changed in place) as the database takes
    them: a plain value as it is, any other converted by its field, equal ones once."""
    prepare = [
        (i, f)
        for i, f in enumerate(fields)
        if not f.is_relation and f.get_internal_type() not in PLAIN
    ]
    converted: dict = {}
    for row in rows:
        for i, field in prepare:
            value = row[i]
            kind = type(value)
            if kind is datetime or kind is date or kind is list:  # often repeated: [], the stamp
                key = (i, kind, repr(value) if kind is list else value)
                if key not in converted:
                    converted[key] = field.get_db_prep_save(value, connection)
                row[i] = converted[key]
            else:
                row[i] = field.get_db_prep_save(value, connection)
    return rows


def _batch(connection, width: int) -> int:
    """Rows per statement: at most BATCH, and on SQLite within its limit of parameters (that
    of the library, where Python can read it: Django assumes the old default of 999)."""
    if connection.vendor != "sqlite":
        return BATCH
    limit = connection.features.max_query_params
    if hasattr(connection.connection, "getlimit"):  # Python 3.11+
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return min(BATCH, max(1, limit // width))


@cache
def _columns(model):
    """The model's inserted fields, and those stamped on insert (``auto_now``, ``auto_now_add``)."""
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    return fields, stamped


def _rows_sql(width: int, count: int) -> str:
    return ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * count)


@lru_cache(maxsize=64)
def _sql(model, alias: str, count: int) -> str:
    quote = connections[alias].ops.quote_name
    fields = _columns(model)[0]
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES {_rows_sql(len(fields), count)} RETURNING {quote(model._meta.pk.column)}"
    )


@lru_cache(maxsize=64)
def _update_sql(model, alias: str, names: tuple, count: int) -> str:
    """``UPDATE … FROM (VALUES …)``: the VALUES columns are column1 (the key), column2, …; on
    PostgreSQL each is cast to its field's type (a literal would be text)."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    meta = model._meta
    table = quote(meta.db_table)

    def value(field, n):
        if connection.vendor == "postgresql":
            return f"CAST(v.column{n} AS {field.db_type(connection)})"
        return f"v.column{n}"

    fields = [meta.get_field(name) for name in names]
    sets = ", ".join(f"{quote(f.column)} = {value(f, n)}" for n, f in enumerate(fields, start=2))
    return (
        f"UPDATE {table} SET {sets} FROM (VALUES {_rows_sql(len(fields) + 1, count)}) AS v "
        f"WHERE {table}.{quote(meta.pk.column)} = {value(meta.pk, 1)}"
    )
