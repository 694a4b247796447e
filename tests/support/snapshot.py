"""The rows one import writes, taken once and laid back in a test's own transaction.

Importing the R2 workbook is the setup of several hundred tests. ``take`` runs the import once
inside a transaction that is rolled back and keeps what it wrote, as the INSERT statements that
write it again; ``lay`` runs them in the current test's transaction, without the import's Python
work. The rows are laid only where they come out the same: the database must be as it was when
they were taken (the tables the import reads or writes, and every table its rows point to), and
the test must run in a transaction that is rolled back (a transactional test gets the import
itself, whose ``on_commit`` work then runs as in production).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models.sql import InsertQuery

# Tables the import neither reads nor writes: a test's accounts may exist before its table.
NOT_READ = {"projects.staffprofile", "projects.pendingupload"}


def _models():
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]


def _select(model) -> str:
    quote = connection.ops.quote_name
    return f"SELECT * FROM {quote(model._meta.db_table)} ORDER BY {quote(model._meta.pk.column)}"


def _rows(model) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(_select(model))
        return [tuple(row) for row in cursor.fetchall()]


def _watched(model) -> bool:
    return model._meta.app_label == "projects" and model._meta.label_lower not in NOT_READ


def _inserts(model) -> list[tuple[str, list]]:
    """The statements that write the model's rows as they are now (in batches the database
    accepts), with their parameters already in the database's form."""
    fields = model._meta.concrete_fields
    objects = list(model._base_manager.order_by("pk"))
    size = connection.ops.bulk_batch_size(fields, objects) or len(objects)
    statements = []
    for start in range(0, len(objects), size):
        query = InsertQuery(model)
        query.insert_values(fields, objects[start : start + size])
        statements += query.get_compiler(connection=connection).as_sql()
    return statements


@dataclass
class Snapshot:
    before: dict = field(default_factory=dict)  # model -> rows the import found
    deletes: list = field(default_factory=list)  # tables the import changed rows of
    inserts: list = field(default_factory=list)  # (sql, params) writing what it left
    changed: list = field(default_factory=list)  # the models it wrote

    def matches(self) -> bool:
        return all(_rows(model) == rows for model, rows in self.before.items())

    def lay(self) -> bool:
        """Write the rows (True), or nothing when they would not come out the same (False)."""
        if not connection.in_atomic_block or not self.matches():
            return False
        with connection.cursor() as cursor:
            for statement in self.deletes:
                cursor.execute(statement)
            for sql, params in self.inserts:
                cursor.execute(sql, params)
            for statement in connection.ops.sequence_reset_sql(no_style(), self.changed):
                cursor.execute(statement)
        return True


def take(run) -> Snapshot:
    """Call ``run()`` in a transaction that is rolled back; keep the rows it changed, and the
    rows they depend on as they were before."""
    snapshot = Snapshot()
    quote = connection.ops.quote_name
    with transaction.atomic():
        before = {model: _rows(model) for model in _models()}
        run()
        referenced = set()
        for model in _models():
            if _rows(model) == before[model]:
                continue
            snapshot.changed.append(model)
            if before[model]:
                snapshot.deletes.append(f"DELETE FROM {quote(model._meta.db_table)}")
            snapshot.inserts += _inserts(model)
            for f in model._meta.concrete_fields:
                if (
                    f.is_relation
                    and model._base_manager.filter(**{f"{f.attname}__isnull": False}).exists()
                ):
                    referenced.add(f.related_model._meta.concrete_model)
        watched = {m for m in _models() if _watched(m)} | set(snapshot.changed) | referenced
        snapshot.before = {model: before[model] for model in watched}
        transaction.set_rollback(True)
    return snapshot
