"""The upload preview's tables and summary, read top to bottom by a clerk: each difference with
its field in words, an order change as what moved, a change of spaces alone said so, and the
counts of the summary as the tables list them (updates whose place alone changes counted apart).
Data for the template, which makes the sentences."""

from __future__ import annotations

import datetime
import re

from projects.reports.history import FIELD_LABELS, status_display
from projects.services.imports import LEVEL_NAMES, ORDER_FIELDS
from projects.table.eras import wareki_long


def whitespace_only(old: str, new: str) -> bool:
    """Two texts that differ only in spaces or line breaks (a trailing space, a full-width
    space for a half-width one)."""
    return old != new and re.sub(r"\s+", "", old or "") == re.sub(r"\s+", "", new or "")


def diff_rows(result):
    return [
        {
            "diff": d,
            "old_status": status_display(d.old_status),
            "new_status": status_display(d.new_status),
            "status_changed": d.old_status != d.new_status,
            "text_changed": d.old_text != d.new_text,
            "whitespace_only": whitespace_only(d.old_text, d.new_text),
        }
        for d in result.activity_changes
    ]


def order_items(value: str, field_name: str) -> list[str]:
    separator = "\n" if field_name == "activity_order" else "、"
    return [item for item in (value or "").split(separator) if item]


def moves(old: str, new: str, field_name: str) -> list[dict]:
    """What an order change moves: each item whose place changes, with both places (1-based)."""
    before, after = order_items(old, field_name), order_items(new, field_name)
    places = {item: index for index, item in enumerate(before, start=1)}
    return [
        {"item": item, "old": places.get(item), "new": index}
        for index, item in enumerate(after, start=1)
        if places.get(item) != index
    ]


def value_shown(field_name: str, value: str) -> str:
    """A value as the clerk reads it: 資料の時点 as 「令和4年1月31日 (2022-01-31)」."""
    if field_name != "stated_date" or not value:
        return value
    try:
        return wareki_long(datetime.date.fromisoformat(value))
    except ValueError:
        return value


def other_rows(result):
    """Every difference the activity table does not show: the year, strategies, measures,
    projects, rows (事業の概要, 関係市町), and activities added, removed or reordered, and the
    changes of their marker or detail lines alone; each with its field in words."""
    shown = {"status", "text"}
    return [
        {
            "level": LEVEL_NAMES[d.level],
            "diff": d,
            "field": FIELD_LABELS.get(d.field, d.field),
            "old": value_shown(d.field, d.old),
            "new": value_shown(d.field, d.new),
            "moves": moves(d.old, d.new, d.field) if d.field in ORDER_FIELDS else [],
            "before": order_items(d.old, d.field) if d.field in ORDER_FIELDS else [],
            "whitespace_only": whitespace_only(d.old, d.new),
        }
        for d in result.shown_differences
        if not (d.level == "activities" and d.action == "update" and d.field in shown)
    ]
