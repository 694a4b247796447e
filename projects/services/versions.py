"""Each applied import kept as a version of its year, and the undo of the latest one.

The import service calls ``state_before`` before it writes and ``record`` after a successful,
non-dry-run import: the version keeps who, when, the file name, the file itself, the summary,
and the year's table before and right after the import (``reports.snapshots``, with ids).

Undoing a version is ``services.undo``'s.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.utils import timezone

from projects.models import FiscalYear, ImportVersion
from projects.reports.snapshots import year_state


def file_bytes(source) -> bytes:
    """The bytes of a workbook given as a path or as a file object (left where it was)."""
    if hasattr(source, "read"):
        position = source.tell()
        source.seek(0)
        data = source.read()
        source.seek(position)
        return data
    return Path(source).read_bytes()


def state_before(year: int | None) -> dict | None:
    """The year's table before an import writes to it; None for a year without projects."""
    fiscal_year = FiscalYear.objects.filter(year=year).first() if year else None
    if fiscal_year is None or not fiscal_year.projects.exists():
        return None
    return year_state(fiscal_year)


def record(overview, result, *, before: dict | None, user=None, filename: str = ""):
    """Keep the import that was just written as a version (nothing when it changed nothing)."""
    if not result.changed:
        return None
    fiscal_year = FiscalYear.objects.get(year=result.fiscal_year)
    return ImportVersion.objects.create(
        fiscal_year=fiscal_year,
        imported_at=fiscal_year.imported_at or timezone.now(),
        user=user if getattr(user, "pk", None) else None,
        filename=filename[:255],
        content=overview.source_file,
        summary="\n".join(result.summary_lines()),
        before=before,
        after=None if before is None else year_state(fiscal_year),  # see ImportVersion
    )


def sha256(version: ImportVersion) -> str:
    return hashlib.sha256(bytes(version.content)).hexdigest()
