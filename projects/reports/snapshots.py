"""The year's table as stored data, with the id of every level (``table.stored``): what an
import version keeps before and after the import, and what a closed round keeps. Seven queries
whatever the size of the year."""

from __future__ import annotations

from collections import defaultdict

from projects.models import (
    Activity,
    FiscalYear,
    Measure,
    Project,
    ProjectRow,
    Strategy,
)
from projects.table.stored import YEAR_FIELDS


def year_state(fiscal_year: FiscalYear) -> dict:
    """The year as it is now, in the stored form (see ``table.stored``)."""
    state = {name: getattr(fiscal_year, name) for name in YEAR_FIELDS if name != "fiscal_year"}
    state["fiscal_year"] = fiscal_year.year
    state["legend"] = dict(fiscal_year.legend)
    rows_of = defaultdict(list)
    activities_of = defaultdict(list)
    for pk, row_id, status, marker, text, details in (
        Activity.objects.for_year(fiscal_year)
        .order_by("row_id", "order", "pk")
        .values_list("pk", "row_id", "status", "marker", "text", "details")
    ):
        activities_of[row_id].append(
            {
                "id": pk,
                "status": status,
                "marker": marker,  # as stored; ``overview_of`` shows it as exported
                "text": text,
                "details": list(details),
            }
        )
    row_munis = _names(
        ProjectRow.municipalities.through.objects.filter(
            projectrow__project__fiscal_year=fiscal_year
        ),
        "projectrow_id",
    )
    for pk, project_id, summary, munis_text in (
        ProjectRow.objects.filter(project__fiscal_year=fiscal_year)
        .order_by("project_id", "order", "pk")
        .values_list("pk", "project_id", "summary", "municipalities_text")
    ):
        rows_of[project_id].append(
            {
                "id": pk,
                "summary": summary,
                "municipalities_text": munis_text,
                "municipalities": row_munis.get(pk) if munis_text else None,
                "activities": activities_of[pk],
            }
        )
    project_munis = _names(
        Project.municipalities.through.objects.filter(project__fiscal_year=fiscal_year),
        "project_id",
    )
    projects_of = defaultdict(list)
    for pk, measure_id, number, name in (
        Project.objects.filter(fiscal_year=fiscal_year)
        .order_by("order", "pk")
        .values_list("pk", "measure_id", "number", "name")
    ):
        projects_of[measure_id].append(
            {
                "id": pk,
                "number": number,
                "name": name,
                "municipalities": project_munis.get(pk, []),
                "rows": rows_of[pk],
            }
        )
    measures_of = defaultdict(list)
    for m in Measure.objects.filter(strategy__fiscal_year=fiscal_year).order_by("order", "pk"):
        measures_of[m.strategy_id].append(
            {
                "id": m.pk,
                "label": m.label,
                "title": m.title,
                "heading": m.heading,
                "policy_field": m.policy_field,
                "projects": projects_of[m.pk],
            }
        )
    state["strategies"] = [
        {
            "id": s.pk,
            "number": s.number,
            "title": s.title,
            "heading": s.heading,
            "band": s.band,
            "measures": measures_of[s.pk],
        }
        for s in Strategy.objects.filter(fiscal_year=fiscal_year).order_by("number")
    ]
    return state


def _names(links, owner: str) -> dict[int, list[str]]:
    names = defaultdict(list)
    for owner_id, name in links.order_by("municipality__order").values_list(
        owner, "municipality__name"
    ):
        names[owner_id].append(name)
    return names
