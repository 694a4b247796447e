"""The workbook import: read a 資料 file against the member municipalities, then write it to its
year in one short transaction.

The reader (``table.reader``) has already parsed and validated every row; here the parsed table
is matched against what the database holds for that year (``table.matching``), so that a
re-import updates in place, and written with a fixed number of queries whatever its size.
"""

from __future__ import annotations

import gc
import io
import logging
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction

from projects import permissions
from projects.models import Area, ChangeSource, FiscalYear
from projects.table.files import WorkbookError, check_file, file_size, unreadable
from projects.table.model import Overview, Problem
from projects.table.reader import read_overview

from . import versions
from .changes import ChangeSet
from .import_writer import ImportWriter
from .plan.differences import LEVEL_NAMES, fingerprint, refusals
from .plan.result import LEVELS, ORDER_FIELDS, ImportResult

__all__ = [
    "LEVELS",
    "LEVEL_NAMES",
    "ORDER_FIELDS",
    "ImportConflict",
    "ImportRefused",
    "ImportResult",
]

logger = logging.getLogger(__name__)

SINCE_PREVIEW = {
    "changed": "確認画面を表示した後に変更されました",
    "added": "確認画面を表示した後に追加されました (ファイルにないため削除されます)",
    "removed": "確認画面を表示した後に削除されました (ファイルにあるため作成し直されます)",
}


NO_AREA = (
    "圏域が設定されていません。資料を取り込む前に、圏域と構成市町を "
    "`python manage.py setup_area 圏域の設定.toml` で作成してください (README の「圏域の設定」)。"
)


@contextmanager
def collector_paused():
    """Python's cycle collector off while a workbook is read or imported, as it was after.
    Reading and planning a table allocate objects by the hundred thousand, few of them in
    cycles, and each allocation burst would start another collection of the whole heap (a
    fifth of the import's time at 100× the R2 table); what a cycle holds is freed after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class ImportRefused(Exception):
    """The import was not applied; ``result.errors`` says why."""

    def __init__(self, result: ImportResult):
        self.result = result
        super().__init__("\n".join(str(e) for e in result.errors))


class ImportConflict(Exception):
    """Nothing was written: activities the import would change were changed after the preview
    (``result.since_preview``), or the rest of the difference is no longer what the preview
    showed (``result.plan_changed``)."""

    def __init__(self, result: ImportResult):
        self.result = result
        super().__init__(f"{len(result.since_preview)} 件の競合")


@collector_paused()
def read_workbook(source, *, year: int | None = None, progress=None) -> Overview:
    """Parse a workbook (a path or a file object with a ``name``) as this portal reads it: its
    関係市町 against the member municipalities (a retired one only in the years whose data
    already names it: ``table.members``), within the configured size limits. The file is read
    from its source once; every check and the parse work on those bytes, which are kept with
    the import version. Every failure, however the file is broken, is a WorkbookError with a
    message."""
    limits = {
        "max_bytes": settings.OVERVIEW_MAX_UPLOAD_BYTES,
        "max_uncompressed": settings.OVERVIEW_MAX_UNCOMPRESSED_BYTES,
    }
    name = str(getattr(source, "name", source))
    if file_size(source) > limits["max_bytes"]:
        check_file(source, **limits)  # says how large it is, reading nothing more
    data = versions.file_bytes(source)
    buffer = io.BytesIO(data)
    buffer.name = name
    check_file(buffer, **limits)  # before anything else: a file that is no workbook says so
    if Area.objects.current() is None:
        raise WorkbookError([Problem(NO_AREA, code="no_area")])
    area = Area.objects.members()
    members = {
        "municipalities": list(area.names),
        "all_words": list(area.all_words),
        "retired": area.retired,
    }
    try:
        overview = read_overview(
            buffer, year=year, progress=progress, checked=True, **members, **limits
        )
        overview.source_file = data  # kept with the version
        return overview
    except WorkbookError:
        raise
    except Exception as exc:  # a hostile or damaged file can fail deep inside the XML reader
        logger.info("unreadable workbook: %r", exc)
        raise unreadable(exc, name) from exc


@collector_paused()
def import_overview(
    overview: Overview,
    *,
    dry_run: bool = False,
    user=None,
    filename: str = "",
    preview: dict | None = None,
    keep=(),
) -> ImportResult:
    """Apply a parsed workbook to its fiscal year, in one transaction.

    ``user`` None is the command line (the server's operator, who may change everything);
    an uploader's import is refused (ImportRefused, nothing written) when it makes any
    difference they may not make (``differences.refusals``). A real import reads the rows it
    writes under lock; with ``preview`` (the ``snapshot`` of the dry run the uploader saw) it
    also raises ImportConflict, writing nothing, when an activity it would change was changed
    after that preview or the rest of its difference is not what the preview showed. ``keep``
    names conflicting activities (``Difference.key``) to leave as they are."""
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
    with transaction.atomic():
        writer = ImportWriter(overview, result, user, lock=not dry_run, keep=keep)
        result.differences = writer.plan()
        if user is not None:
            editable = permissions.row_ids_editable_by(user, writer.fy) if writer.fy.pk else set()
            result.errors += refusals(
                result.shown_differences, user=user, editable_rows=editable, sheet=overview.sheet
            )
        if result.errors:
            raise ImportRefused(result)
        if dry_run or preview is not None:  # what a preview keeps, and a confirmation checks
            result.snapshot = {
                "versions": writer.versions,
                "lines": writer.lines,
                "plan": fingerprint(result.differences),
            }
        if preview is not None:
            compare_with_preview(result, writer, preview)
            if result.since_preview or result.plan_changed:
                raise ImportConflict(result)
        changes = ChangeSet(user=user, source=ChangeSource.IMPORT, at=writer.now)
        changes.add(lambda: [], lambda: writer.apply(filename, changes))
        if not dry_run:
            changes.after.append(
                lambda committed: setattr(
                    committed,
                    "version",
                    versions.record(overview, result, before=before, user=user, filename=filename),
                )
            )
        committed = changes.commit()
        report = committed.links.get(writer.fy.year)
        if report is not None:
            report.fill(result)
        if dry_run:
            transaction.set_rollback(True)
    return result


def compare_with_preview(result: ImportResult, writer, preview: dict) -> None:
    """Mark each activity difference whose activity is not as the preview saw it."""
    versions, lines = preview.get("versions", {}), preview.get("lines", {})
    seen = set()
    for d in result.differences:
        if not d.is_activity_level or d.within or not d.key:
            continue
        kind, _, ident = d.key.partition(":")
        if kind == "activity":
            if ident not in versions:
                d.since_preview = SINCE_PREVIEW["added"]
            elif versions[ident] != writer.versions.get(ident):
                d.since_preview = SINCE_PREVIEW["changed"]
        elif kind == "line" and lines.get(d.key) is not None:  # paired then, gone now
            d.since_preview = SINCE_PREVIEW["removed"]
        if d.since_preview and d.key not in seen:
            seen.add(d.key)
            result.since_preview.append(d)
    result.plan_changed = preview.get("plan") != result.snapshot["plan"]
