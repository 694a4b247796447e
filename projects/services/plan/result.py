"""What an import did or would do (``import_overview``'s result): counts per level, every
difference with its cell, the problems, and what a later confirmation compares with."""

from __future__ import annotations

from dataclasses import dataclass, field

from projects.table.model import Problem

from .differences import LEVEL_NAMES, Difference

LEVELS = ("years", "strategies", "measures", "projects", "rows", "activities")
# The fields of a difference that say only where an item stands in its list.
ORDER_FIELDS = ("order", "measure_order", "project_order", "activity_order")


@dataclass
class ActivityDiff:
    project: str
    cell: str
    old_status: str | None
    new_status: str | None
    old_text: str
    new_text: str
    conflict: bool = False  # its status was changed in the portal since the last import


@dataclass
class ImportResult:
    fiscal_year: int
    dry_run: bool
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    removed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    created_projects: list[str] = field(default_factory=list)
    removed_projects: list[str] = field(default_factory=list)
    activity_changes: list[ActivityDiff] = field(default_factory=list)
    # Every difference, at every level (``differences.Difference``), in the table's order.
    differences: list[Difference] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    # What this result was computed from, for a later confirmation to compare with
    # (activity versions, file lines paired with activities, the rest of the difference).
    snapshot: dict = field(default_factory=dict)
    since_preview: list[Difference] = field(default_factory=list)
    plan_changed: bool = False
    # Against the previous fiscal year (linking.link_to_previous_year): (old, new) labels.
    previous_year: int | None = None
    links: list[tuple[str, str]] = field(default_factory=list)
    renumbered: list[tuple[str, str]] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    added_vs_previous: list[str] = field(default_factory=list)
    dropped_vs_previous: list[str] = field(default_factory=list)
    activity_links: int = 0
    link_lines: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.differences) or any(
            any(counts.values()) for counts in (self.created, self.updated, self.removed)
        )

    @property
    def conflicts(self) -> list[ActivityDiff]:
        """Activities the import changes whose status was changed in the portal since the
        previous import (shown in the preview: confirming overwrites them)."""
        return [d for d in self.activity_changes if d.conflict]

    @property
    def shown_differences(self) -> list[Difference]:
        """The differences the preview lists one by one (those within a new or removed
        project or row are shown as that project or row)."""
        return [d for d in self.differences if not d.within]

    def summary_counts(self) -> list[dict]:
        """The counts by verb and level, as the preview's tables list them: the updates split
        into those listed one by one and those whose place alone changes (``moved``)."""
        lines = []
        for verb, counts in (("作成", self.created), ("更新", self.updated)):
            parts = []
            for level, count in counts.items():
                if not count:
                    continue
                part = {"level": LEVEL_NAMES[level], "count": count, "listed": count, "moved": 0}
                if verb == "更新":
                    listed = {
                        (d.subject, d.project, d.key)
                        for d in self.shown_differences
                        if d.level == level and d.action == "update" and d.field not in ORDER_FIELDS
                    }
                    part["listed"] = min(len(listed), count)
                    part["moved"] = count - part["listed"]
                parts.append(part)
            if parts:
                lines.append({"verb": verb, "parts": parts})
        parts = [{"level": LEVEL_NAMES[k], "count": v} for k, v in self.removed.items() if v]
        if parts:
            lines.append({"verb": "削除", "parts": parts})
        return lines

    def summary_lines(self) -> list[str]:
        """``summary_counts`` in words (the command, the confirmation, the version's record)."""
        lines = []
        for line in self.summary_counts():
            parts = []
            for part in line["parts"]:
                text = f"{part['level']} {part['count']}"
                if part.get("moved"):
                    text += f" (うち順序だけの変更 {part['moved']} 件)"
                parts.append(text)
            lines.append(f"{line['verb']}: " + "、".join(parts))
        if not lines or not self.changed:
            return ["変更はありません (データベースの内容はファイルと同じです)。"]
        return lines
