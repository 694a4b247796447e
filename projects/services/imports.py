"""The workbook import: read a 資料 file against the member municipalities, then write it to its
year in one short transaction.

The reader (``table.reader``) has already parsed and validated every row; here the parsed table
is matched against what the database holds for that year (``table.matching``), so that a
re-import updates in place, and written with a fixed number of queries whatever its size.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from projects import cache as public_cache
from projects import permissions
from projects.models import Area, FiscalYear
from projects.table.files import WorkbookError, check_file, unreadable
from projects.table.model import Overview, Problem
from projects.table.reader import read_overview

from . import versions
from .import_writer import ActivityDiff, ImportWriter

logger = logging.getLogger(__name__)

LEVELS = ("strategies", "measures", "projects", "rows", "activities")
LEVEL_NAMES = {
    "strategies": "取組",
    "measures": "施策",
    "projects": "事業",
    "rows": "行",
    "activities": "実績項目",
}


class ImportRefused(Exception):
    """The import was not applied; ``result.errors`` says why."""

    def __init__(self, result: ImportResult):
        self.result = result
        super().__init__("\n".join(str(e) for e in result.errors))


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
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
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
        return (
            any(self.created.values()) or any(self.updated.values()) or any(self.removed.values())
        )

    @property
    def conflicts(self) -> list[ActivityDiff]:
        return [d for d in self.activity_changes if d.conflict]

    def summary_lines(self) -> list[str]:
        if not self.changed:
            return ["変更はありません (データベースの内容はファイルと同じです)。"]
        lines = []
        for verb, counts in (
            ("作成", self.created),
            ("更新", self.updated),
            ("削除", self.removed),
        ):
            parts = [f"{LEVEL_NAMES[k]} {v}" for k, v in counts.items() if v]
            if parts:
                lines.append(f"{verb}: " + "、".join(parts))
        return lines


def read_workbook(source, *, year: int | None = None, progress=None) -> Overview:
    """Parse a workbook (a path or a file object with a ``name``) as this portal reads it: its
    関係市町 against the member municipalities (a retired one only in the years whose data
    already names it: ``table.members``), within the configured size limits. Every
    failure, however the file is broken, is a WorkbookError with a message."""
    limits = {
        "max_bytes": settings.OVERVIEW_MAX_UPLOAD_BYTES,
        "max_uncompressed": settings.OVERVIEW_MAX_UNCOMPRESSED_BYTES,
    }
    check_file(source, **limits)  # before anything else: a file that is no workbook says so
    area = Area.objects.members()
    members = {
        "municipalities": list(area.names),
        "all_words": list(area.all_words),
        "retired": area.retired,
    }
    try:
        overview = read_overview(source, year=year, progress=progress, **members, **limits)
        overview.source_file = versions.file_bytes(source)  # kept with the version
        return overview
    except WorkbookError:
        raise
    except Exception as exc:  # a hostile or damaged file can fail deep inside the XML reader
        logger.info("unreadable workbook: %r", exc)
        raise unreadable(exc, str(getattr(source, "name", source))) from exc


@transaction.atomic
def import_overview(
    overview: Overview,
    *,
    dry_run: bool = False,
    user=None,
    filename: str = "",
    editable_project_ids: set[int] | None = None,
) -> ImportResult:
    """Apply a parsed workbook to its fiscal year. Raises ImportRefused (writing nothing) when the
    workbook has errors or touches projects outside ``editable_project_ids``."""
    result = ImportResult(
        overview.fiscal_year or 0,
        dry_run,
        warnings=list(overview.warnings),
        errors=list(overview.errors),
    )
    if user is not None and (
        closed := permissions.year_refusal(
            user, FiscalYear.objects.filter(year=overview.fiscal_year).first()
        )
    ):
        result.errors.append(Problem(closed, sheet=overview.sheet, code="year_closed"))
    if result.errors:
        raise ImportRefused(result)
    before = None if dry_run else versions.state_before(overview.fiscal_year)
    writer = ImportWriter(overview, result, user, editable_project_ids)
    writer.run(filename)
    if result.errors:
        transaction.set_rollback(True)
        raise ImportRefused(result)
    if dry_run:
        transaction.set_rollback(True)
    else:
        transaction.on_commit(public_cache.bump)  # bulk writes send no signals
        versions.record(overview, result, before=before, user=user, filename=filename)
    return result
