"""The upper levels of an import's plan: the year's own fields, strategies and measures."""

from __future__ import annotations

import datetime

from projects.models import Measure, Strategy
from projects.table.notation import CANONICAL_MARKERS

from .differences import LEVEL_NAMES

YEAR_FIELDS = (
    "title",
    "document_label",
    "results_header",
    "legend",
    "has_municipality_column",
    "stated_date",
)


def plan_year(w):
    fy, ov = w.fy, w.ov
    w.year_values = {name: getattr(ov, name) for name in YEAR_FIELDS}
    if w.new_year:
        size = "、".join(f"{LEVEL_NAMES[k]} {n}" for k, n in counts(ov).items())
        new = f"{fy.label} ({size}): {ov.title}"
        w.differ(
            "years", "create", "created", subject="年度", new=new, cell=ov.cells.get("title", "")
        )
        return
    cells = {**ov.cells, "legend": ov.cells.get("results_header", "")}
    for name in YEAR_FIELDS:
        old, new = getattr(fy, name), w.year_values[name]
        if old != new:
            w.differ(
                "years",
                "update",
                name,
                old=year_text(old),
                new=year_text(new),
                cell=cells.get(name, ""),
            )
    if any(getattr(fy, n) != v for n, v in w.year_values.items()):
        w.result.updated["years"] += 1


def plan_strategies(w):
    level = w.levels["strategies"]
    existing = (
        {}
        if w.new_year
        else {s.number: s for s in w.read(Strategy.objects.filter(fiscal_year=w.fy))}
    )
    pairs = []
    for data in w.ov.strategies:
        subject, cell = f"取組 {data.number}", w.cell("strategy", data.excel_row)
        values = {"title": data.title, "heading": data.heading, "band": data.band}
        obj = existing.pop(data.number, None)
        if obj is None:
            obj = level.create(Strategy(fiscal_year=w.fy, number=data.number, **values))
            w.differ(
                "strategies", "create", "created", subject=subject, new=data.heading, cell=cell
            )
        else:
            for name, old, new in level.update(obj, values):
                recorded = {"title": "strategy_title", "heading": "strategy_heading"}
                w.differ(
                    "strategies",
                    "update",
                    recorded.get(name, name),
                    subject=subject,
                    old=old,
                    new=new,
                    cell=cell,
                )
        pairs.append((data, obj))
    for obj in existing.values():
        level.delete(obj)
        w.differ("strategies", "delete", "deleted", subject=f"取組 {obj.number}", old=obj.heading)
    return pairs


def plan_measures(w, strategies):
    level = w.levels["measures"]
    existing = (
        {}
        if w.new_year
        else {
            (m.strategy_id, m.policy_field, m.label): m
            for m in w.read(Measure.objects.filter(strategy__fiscal_year=w.fy))
        }
    )
    w.measures_read = {m.pk: m for m in existing.values()}
    pairs, kept = [], []
    order = 0
    for sdata, strategy in strategies:
        for data in sdata.measures:
            order += 1
            subject = f"施策 {sdata.number}-{data.label}"
            cell = w.cell("measure", data.excel_row)
            values = {"title": data.title, "heading": data.heading, "order": order}
            key = (strategy.pk, data.policy_field, data.label)
            obj = existing.pop(key, None) if strategy.pk else None
            if obj is None:
                obj = level.create(
                    Measure(
                        strategy=strategy,
                        policy_field=data.policy_field,
                        label=data.label,
                        **values,
                    )
                )
                w.differ(
                    "measures",
                    "create",
                    "created",
                    subject=subject,
                    new=data.heading,
                    cell=cell,
                )
            else:
                kept.append(obj)
                for name, old, new in level.update(obj, values):
                    if name != "order":
                        w.differ(
                            "measures",
                            "update",
                            f"measure_{name}",
                            subject=subject,
                            old=old,
                            new=new,
                            cell=cell,
                        )
            pairs.append((data, obj))
    reordered(w, "measure_order", kept, str)
    for obj in existing.values():
        level.delete(obj)
        w.differ("measures", "delete", "deleted", subject=f"施策 {obj.label}", old=obj.heading)
    return pairs


def reordered(w, field_name: str, kept: list, label) -> None:
    """One difference when objects that stay change their order relative to each other
    (not when one is added or removed before them)."""
    before = sorted(kept, key=lambda o: o.order)  # the plan sets nothing until applied
    if before != kept:
        old = "、".join(label(o) for o in before)
        new = "、".join(label(o) for o in kept)
        w.differ("years", "update", field_name, old=old, new=new)


def year_text(value) -> str:
    if isinstance(value, dict):  # a legend, in the statuses' order (jsonb keeps no order)
        keys = [k for k in CANONICAL_MARKERS if k in value] + sorted(
            set(value) - set(CANONICAL_MARKERS)
        )
        return "、".join(f"{CANONICAL_MARKERS.get(k, k)}{value[k]}" for k in keys)
    if isinstance(value, bool):
        return "あり" if value else "なし"
    if value is None:  # a date the document does not state
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def counts(ov) -> dict[str, int]:
    return {
        "strategies": len(ov.strategies),
        "measures": len(ov.measures()),
        "projects": len(ov.projects()),
        "rows": len(ov.rows()),
        "activities": len(ov.activities()),
    }
