"""The recorded history in words: each ``Change`` as a line people read, and the message that
tells a user whose later save was refused what the other person changed."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from projects.models import Activity, Change, Status
from projects.table.eras import fiscal_year_label

FIELD_LABELS = {
    "status": "状況",
    "text": "内容",
    "details": "詳細行",
    "created": "追加",
    "deleted": "削除",
    "number": "番号",
    "name": "事業名",
    "measure": "施策",
    "order": "順序",
    "municipalities": "関係市町",
    "summary": "事業の概要",
    "published": "公開",
    "is_current": "現在の年度",
    "marker": "記号の表記",
    "title": "表題",
    "document_label": "資料番号",
    "results_header": "実績欄の見出し",
    "legend": "凡例",
    "has_municipality_column": "関係市町の列",
    "strategy_title": "名称",
    "strategy_heading": "取組欄の表記",
    "band": "帯の表記",
    "measure_title": "名称",
    "measure_heading": "施策欄の表記",
    "measure_order": "施策の順序",
    "project_order": "事業の順序",
    "activity_order": "実績項目の順序",
}
BOOLEANS = {"true": "はい", "false": "いいえ", "True": "はい", "False": "いいえ"}
YEAR_SWITCHES = ("published", "is_current", "rollover")


def status_display(value: str | None) -> str:
    if not value:
        return "(記号なし)"
    return f"{Status(value).glyph} {Status(value).label}"


def value_display(field: str, value: str) -> str:
    """A recorded value as people read it: statuses as glyph and words."""
    if field == "status":
        return status_display(value or None)
    if field in ("published", "is_current", "has_municipality_column"):
        return BOOLEANS.get(value, value)
    return value if value else "(なし)"


def describe(change: Change) -> str:
    """What the change did, in words: 「状況: ○ 実施中 → ● 実施済み」, 「公開」."""
    if change.field in YEAR_SWITCHES:
        return describe_year_switch(change)
    label = FIELD_LABELS.get(change.field, change.field)
    if change.subject:
        label = f"{change.subject} {label}"
    if change.field == "created":
        return f"{label}: {change.new_value}"
    if change.field == "deleted":
        return f"{label}: {change.old_value}"
    old = value_display(change.field, change.old_value)
    new = value_display(change.field, change.new_value)
    return f"{label}: {old} → {new}"


def describe_year_switch(change: Change) -> str:
    on = change.new_value == "true"
    if change.field == "published":
        return "公開" if on else "非公開に変更"
    if change.field == "is_current":
        return "現在の年度に設定" if on else "現在の年度を解除"
    return f"{fiscal_year_label(int(change.old_value))}から作成"


def who(change: Change) -> str:
    if change.user is None:
        return "(不明な利用者)"
    full = change.user.get_full_name()
    return f"{change.user.get_username()} ({full})" if full else change.user.get_username()


def history_line(change: Change, *, context: bool = False) -> str:
    """One line of history; ``context`` adds the project and activity it concerns."""
    when = timezone.localtime(change.changed_at).strftime("%Y-%m-%d %H:%M")
    where = ""
    if context and change.project_id:
        where = f"事業「{change.project}」"
        if change.activity_id:
            where += f"「{change.activity.text[:30]}」"
        where += " "
    return f"{when} {who(change)} ({change.get_source_display()}) {where}{describe(change)}"


def conflict_message(changes: Sequence[Change], *, deleted: bool = False) -> str:
    if deleted:
        return "この実績項目は、画面を開いた後に他の人が削除しました。変更は保存していません。"
    if not changes:
        return (
            "この実績項目は、画面を開いた後に他の人が更新しました。変更は保存していません。"
            "最新の内容を確認してから、もう一度保存してください。"
        )
    by_edit: dict = {}
    for change in changes:
        by_edit.setdefault((change.changed_at, change.user_id, change.source), []).append(change)
    parts = []
    for group in by_edit.values():
        first = group[0]
        when = timezone.localtime(first.changed_at).strftime("%Y-%m-%d %H:%M")
        what = "、".join(describe(c) for c in group)
        parts.append(f"{who(first)} さんが {when} に{first.get_source_display()}で変更 ({what})")
    return (
        "この実績項目は、画面を開いた後に他の人が更新しました: "
        + "。".join(parts)
        + "。あなたの変更は保存していません。最新の内容を確認してから、もう一度保存してください。"
    )


def changes_since(activity: Activity, version: int) -> list[Change]:
    """The recorded edits that took the activity from ``version`` to its current version.

    Each edit bumps the version once and records its fields with one timestamp, so the newest
    ``current - version`` timestamps are the edits the form did not see."""
    missing = activity.version - version
    if missing <= 0:
        return []
    history = list(Change.objects.filter(activity=activity).select_related("user"))
    stamps = sorted({c.changed_at for c in history}, reverse=True)[:missing]
    return sorted((c for c in history if c.changed_at in stamps), key=lambda c: c.changed_at)
