"""The rows one import writes, taken once and laid back in a test's own transaction.

Importing the R2 workbook is the setup of several hundred tests. ``take`` runs the import once
inside a transaction that is rolled back and keeps what it wrote; ``lay`` writes the same rows
in the current test's transaction, without the import's Python work. The rows are laid only
where they would come out the same: the database must be as it was when they were taken (the
tables the import reads or writes, and every row its rows point to), and the test must run in a
transaction that is rolled back (a transactional test gets the import itself, whose
``on_commit`` work then runs as in production).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

# Tables the import neither reads nor writes: a test's accounts may exist before its table.
NOT_READ = {"projects.staffprofile", "projects.pendingupload"}


def _models():
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]


def _rows(model) -> list[tuple]:
    names = [f.attname for f in model._meta.concrete_fields]
    return list(model._base_manager.order_by("pk").values_list(*names))


def _watched(model) -> bool:
    return model._meta.app_label == "projects" and model._meta.label_lower not in NOT_READ


@dataclass
class Snapshot:
    before: dict = field(default_factory=dict)  # model -> rows, as the import found them
    after: dict = field(default_factory=dict)  # model -> rows, as it left them (changed only)
    value: object = None  # what the import returned

    def matches(self) -> bool:
        return all(_rows(model) == rows for model, rows in self.before.items())

    def lay(self) -> bool:
        """Write the rows (True), or nothing when they would not come out the same (False)."""
        if not connection.in_atomic_block or not self.matches():
            return False
        for model, rows in self.after.items():
            model._base_manager.all()._raw_delete(connection.alias)
            names = [f.attname for f in model._meta.concrete_fields]
            model._base_manager.bulk_create(
                [model(**dict(zip(names, row, strict=True))) for row in rows], batch_size=500
            )
        sql = connection.ops.sequence_reset_sql(no_style(), list(self.after))
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)
        return True


def take(run) -> Snapshot:
    """Call ``run()`` in a transaction that is rolled back; the rows it changed, and the rows
    they depend on, as they were before."""
    snapshot = Snapshot()
    with transaction.atomic():
        before = {model: _rows(model) for model in _models()}
        snapshot.value = run()
        for model in _models():
            rows = _rows(model)
            if rows != before[model]:
                snapshot.after[model] = rows
        referenced = set()
        for model, rows in snapshot.after.items():
            for index, f in enumerate(model._meta.concrete_fields):
                if f.is_relation and any(row[index] is not None for row in rows):
                    referenced.add(f.related_model._meta.concrete_model)
        watched = {m for m in _models() if _watched(m)} | set(snapshot.after) | referenced
        snapshot.before = {model: before[model] for model in watched}
        transaction.set_rollback(True)
    return snapshot
