"""The activities level of an import's plan: each line of each results cell paired with the
activity it updates (``pair_activities``), added or removed, with its history and the keys
that tie it to the preview (a kept conflict leaves its activity as it is)."""

from __future__ import annotations

from projects.models import Activity
from projects.models.unsaved import unsaved
from projects.table.carry_over import activity_key
from projects.table.matching import match_activities
from projects.table.model import ActivityData

from .result import ActivityDiff

CONTENT = ("status", "marker", "text", "details")


def line_of(data) -> str:
    lines = data.lines() if isinstance(data, ActivityData) else [data.line(), *data.details]
    return "\n".join(lines)


def plan_activities(writer, rows, existing: dict[int, list[Activity]]) -> None:
    level = writer.levels["activities"]
    touched = writer.portal_changed_ids()
    for pdata, rdata, row in rows:
        olds = existing.pop(row.pk, []) if row.pk else []
        pairs, left = pair_activities(rdata.activities, olds, writer.ov.fiscal_year)
        base = {
            "project": pdata.label,
            "subject": f"行 {row.order + 1}",
            "row_id": row.pk,
            "project_obj": row.project,
            "within": row.pk is None,  # part of a new row, shown as that row
        }
        kept = []
        for index, (data, obj) in enumerate(pairs):
            line_key = f"line:{data.cell}:{index}"
            values = {
                "status": data.status,
                "marker": data.marker,
                "text": data.text,
                "details": list(data.details),
                "order": index,
            }
            if obj is None:
                if line_key in writer.keep:
                    continue
                obj = level.create(unsaved(Activity, row=row, created_at=writer.now, **values))
                writer.rederive.append(obj)
                if row.pk is not None:  # a new row's lines are shown as that row
                    writer.differ(
                        "activities",
                        "create",
                        "created",
                        new=line_of(data),
                        cell=data.cell,
                        key=line_key,
                        activity_obj=obj,
                        **base,
                    )
                continue
            writer.lines[line_key] = obj.pk
            key = f"activity:{obj.pk}"
            named = {**base, "subject": f"{base['subject']}「{obj.text[:30]}」"}
            if key in writer.keep:
                continue
            kept.append(obj)
            before = (obj.status, obj.text, list(obj.details))
            changes = [c for c in level.update(obj, values) if c[0] != "order"]
            if any(name == "status" for name, _, _ in changes):  # the marker follows it
                changes = [c for c in changes if c[0] != "marker"]
            if not changes:
                continue
            writer.rederive.append(obj)
            for name, old, new in changes:
                writer.differ(
                    "activities",
                    "update",
                    name,
                    old=old,
                    new=new,
                    cell=data.cell,
                    key=key,
                    activity_obj=obj,
                    portal_changed=obj.pk in touched,
                    **named,
                )
            if before != (data.status, data.text, list(data.details)):
                writer.result.activity_changes.append(
                    ActivityDiff(
                        pdata.label,
                        data.cell,
                        before[0],
                        data.status,
                        before[1],
                        data.text,
                        obj.pk in touched,
                    )
                )
        if [a.pk for a in kept] != [a.pk for a in sorted(kept, key=lambda a: a.order)]:
            writer.differ(
                "activities",
                "update",
                "activity_order",
                old="\n".join(a.text for a in sorted(kept, key=lambda a: a.order)),
                new="\n".join(a.text for a in kept),
                cell=rdata.activities[0].cell,
                key=f"order:{row.pk}",
                **base,
            )
        for obj in left:
            if f"activity:{obj.pk}" in writer.keep:
                continue
            level.delete(obj)
            writer.differ(
                "activities",
                "delete",
                "deleted",
                old=line_of(obj),
                key=f"activity:{obj.pk}",
                activity_obj=obj,
                subject=f"{base['subject']}「{obj.text[:30]}」",
                **{k: v for k, v in base.items() if k != "subject"},
            )
    for row_pk, olds in existing.items():  # the rows that go: their activities go with them
        removal = writer.removed.get(("row", row_pk))
        if removal is not None:
            removal.old += "".join("\n" + line_of(obj) for obj in olds)


def pair_activities(parsed, existing, fiscal_year: int):
    """(parsed line, existing activity or None) for each line of a row, in the file's order,
    and the row's existing activities that no line took (removed from the row)."""

    def keyed(text):
        return text, activity_key(text, fiscal_year)

    if not existing:  # a new row: nothing to pair with
        return [(d, None) for d in parsed], []
    pairs = match_activities(
        [keyed(d.text) for d in parsed], [keyed(a.text) for a in existing], by_position=True
    )
    taken = set(pairs.values())
    paired = [(d, existing[pairs[i]] if i in pairs else None) for i, d in enumerate(parsed)]
    return paired, [a for j, a in enumerate(existing) if j not in taken]
