"""The recorded history in words: each ``Change`` as a line people read, and the message that
tells a user whose later save was refused what the other person changed."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from projects.models import Activity, Change, ChangeSource, Status
from projects.table.eras import fiscal_year_label

FIELD_LABELS = {
    "status": "状況",
    "text": "内容",
    "details": "詳細行",
    "number": "番号",
    "name": "事業名",
    "name_en": "英語の事業名",
    "summary_en": "英語の概要",
    "measure": "施策",
    "order": "順序",
    "municipalities": "関係市町",
    "summary": "事業の概要",
    "marker": "記号の表記",
    "title": "表題",
    "document_label": "資料番号",
    "results_header": "実績欄の見出し",
    "legend": "凡例",
    "has_municipality_column": "関係市町の列",
    "stated_date": "資料の時点",
    "strategy_title": "名称",
    "strategy_heading": "取組欄の表記",
    "band": "帯の表記",
    "measure_title": "名称",
    "measure_heading": "施策欄の表記",
    "measure_order": "施策の順序",
    "project_order": "事業の順序",
    "activity_order": "実績項目の順序",
}
# Creations and deletions: what was added or removed, by level ("created"/"deleted" are an
# activity's, for its history on the staff page).
ITEM_EVENTS = {
    "created": "実績項目を追加",
    "deleted": "実績項目を削除",
    "project_created": "事業を追加",
    "project_deleted": "事業を削除",
    "row_created": "事業の行を追加",
    "row_deleted": "事業の行を削除",
    "measure_created": "施策を追加",
    "measure_deleted": "施策を削除",
    "strategy_created": "取組を追加",
    "strategy_deleted": "取組を削除",
}
YEAR_SWITCHES = (
    "published",
    "is_current",
    "rollover",
    "locked",
    "round_opened",
    "round_closed",
    "round_reopened",
    "import_undone",
)


def status_display(value: str | None) -> str:
    if not value:
        return "(記号なし)"
    return f"{Status(value).glyph} {Status(value).label}"


def value_display(field: str, value: str, *, lines: bool = False) -> str:
    """A recorded value as people read it: statuses as glyph and words, lines side by side
    (or kept, with ``lines``)."""
    if field == "status":
        return status_display(value or None)
    if field == "has_municipality_column":
        return {"true": "あり", "false": "なし"}.get(value, value)
    if not value:
        return "(なし)"
    return value if lines else " ".join(value.splitlines())


def describe(change: Change) -> str:
    """What the change did, as a sentence: 「状況: ○ 実施中 → ● 実施済み」,
    「実績項目を追加: △報告会の開催(2月頃)」, 「令和3年度を令和2年度から作成」."""
    if change.field in YEAR_SWITCHES:
        return describe_year_switch(change)
    # An import's row reads as its preview did, lines kept: 「行 2 追加: 概要\n△…」.
    from_import = change.source == ChangeSource.IMPORT
    if change.field in ITEM_EVENTS:
        deleted = change.field.endswith("deleted")
        what = change.old_value if deleted else change.new_value
        if from_import and change.field in ("created", "deleted"):
            verb = "削除" if deleted else "追加"
            return f"{change.subject} {verb}: {value_display('', what, lines=True)}".strip()
        return f"{ITEM_EVENTS[change.field]}: {value_display('', what)}"
    label = FIELD_LABELS.get(change.field, change.field)
    if change.subject:
        label = f"{change.subject} {label}"
    old = value_display(change.field, change.old_value, lines=from_import)
    new = value_display(change.field, change.new_value, lines=from_import)
    return f"{label}: {old} → {new}"


def describe_year_switch(change: Change) -> str:
    on = change.new_value == "true"
    if change.field == "rollover":
        return (
            f"{fiscal_year_label(int(change.new_value))}を"
            f"{fiscal_year_label(int(change.old_value))}から作成"
        )
    year = change.fiscal_year.label
    if change.field == "published":
        return f"{year}を公開" if on else f"{year}を非公開に変更"
    if change.field == "is_current":
        return f"{year}を現在の年度に設定" if on else f"{year}を現在の年度から解除"
    if change.field == "locked":
        return f"{year}の資料を確定" if on else f"{year}の資料の確定を解除"
    if change.field == "import_undone":
        return f"{year}の取込「{change.old_value}」を取り消し"
    verb = {"round_opened": "開始", "round_closed": "締切", "round_reopened": "再開"}[change.field]
    return f"{year}の照会「{change.new_value}」を{verb}"


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
