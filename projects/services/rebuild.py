"""Every year's derived values written again, after the way they are made has changed
(``rebuild_search``; the migrations that change it do the same on their historical models)."""

from __future__ import annotations

from projects.models import ChangeSource, FiscalYear

from . import derived
from .changes import commit_one


def rebuild_search() -> dict[int, int]:
    """{year: records whose search text or tags were written again}, as one change set (the
    public pages of every year are renewed once it commits)."""

    def write(changes) -> dict[int, int]:
        written = {
            year: derived.refresh_year(fiscal_year=pk)
            for pk, year in FiscalYear.objects.order_by("year").values_list("pk", "year")
        }
        changes.whole_table()
        return written

    return commit_one(user=None, source=ChangeSource.ADMIN, write=write)
