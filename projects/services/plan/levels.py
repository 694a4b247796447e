"""One level of an import's plan (strategies, measures, projects, rows or activities): what it
creates, updates and removes, kept unsaved until the plan is applied in bulk."""

from __future__ import annotations

from django.db import models

from projects.models.history import as_text

from ..bulk import insert, update


class Level:
    def __init__(self, name: str):
        self.name = name
        self.new: list[models.Model] = []
        self.changed: list[tuple[models.Model, dict]] = []
        self.stale: list[models.Model] = []

    def create(self, obj):
        self.new.append(obj)
        return obj

    def delete(self, obj):
        self.stale.append(obj)

    def update(self, obj, values: dict) -> list[tuple[str, str, str]]:
        """Plan ``values`` for ``obj`` (nothing is set yet); (field, old, new) as text for each
        field that differs. A related object is compared by its key."""
        changes = {}
        for name, value in values.items():
            if isinstance(value, models.Model):
                if value.pk is None or getattr(obj, f"{name}_id") != value.pk:
                    changes[name] = value
            elif getattr(obj, name) != value:
                changes[name] = value
        if changes:
            self.changed.append((obj, changes))
        return [
            (name, "" if isinstance(v, models.Model) else as_text(getattr(obj, name)), as_text(v))
            for name, v in changes.items()
        ]

    def save(self, model, fields: list[str], result) -> None:
        for obj, changes in self.changed:
            for name, value in changes.items():
                setattr(obj, name, value)
        insert(model, self.new)
        update(model, [obj for obj, _ in self.changed], fields)
        if self.stale:
            model.objects.filter(pk__in=[o.pk for o in self.stale]).delete()
        result.created[self.name] += len(self.new)
        result.updated[self.name] += len(self.changed)
        result.removed[self.name] += len(self.stale)


def sync_links(through, owner: str, wanted_links):
    """Make the municipality links of each owner (a project or a row) exactly ``wanted_links``,
    given as [(owner, [municipality, …])], in two queries plus the writes."""
    wanted = {(o.pk, m.pk) for o, ms in wanted_links for m in ms}
    current = list(through.objects.filter(**{f"{owner}__in": [o.pk for o, _ in wanted_links]}))
    have = {(getattr(t, owner), t.municipality_id) for t in current}
    drop = [t.pk for t in current if (getattr(t, owner), t.municipality_id) not in wanted]
    if drop:
        through.objects.filter(pk__in=drop).delete()
    insert(through, [through(**{owner: o, "municipality_id": m}) for o, m in wanted - have])
