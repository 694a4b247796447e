"""The year's table as stored data (JSON): an ``Overview`` with the database id of every level.

Import versions keep the table before and after each import in this form, and a closed round
keeps its snapshot in it: the ids let an undo tell the import's changes from later edits, and
let two rounds be compared item by item. ``overview_of`` turns it back into an ``Overview``
that the import service and the writers take.

    {"fiscal_year": 2020, "title": …, "document_label": …, "results_header": …, "legend": {…},
     "has_municipality_column": false,
     "strategies": [{"id": 1, "number": 1, "title": …, "heading": …, "band": …,
       "measures": [{"id": 4, "label": "ア", "title": …, "heading": …, "policy_field": "",
         "projects": [{"id": 9, "number": 1, "name": …, "municipalities": ["甲市"],
           "rows": [{"id": 12, "summary": …, "municipalities_text": "", "municipalities": null,
             "activities": [{"id": 30, "status": "done", "marker": "●", "text": …,
                             "details": ["・…"]}]}]}]}]}]}
"""

from __future__ import annotations

from collections.abc import Iterator

from .model import (
    ActivityData,
    MeasureData,
    Overview,
    ProjectData,
    RowData,
    StrategyData,
    project_label,
)
from .notation import export_marker

YEAR_FIELDS = (
    "fiscal_year",
    "title",
    "document_label",
    "results_header",
    "legend",
    "has_municipality_column",
)
# The fields of each level, below the year, and the key of its children.
LEVELS = {
    "strategies": (("number", "title", "heading", "band"), "measures"),
    "measures": (("label", "title", "heading", "policy_field"), "projects"),
    "projects": (("number", "name", "municipalities"), "rows"),
    "rows": (("summary", "municipalities_text", "municipalities"), "activities"),
    "activities": (("status", "marker", "text", "details"), None),
}
CHILDREN = {"year": "strategies", **{level: child for level, (_, child) in LEVELS.items()}}


def overview_of(state: dict, *, stored_markers: bool = False) -> Overview:
    """The ``Overview`` the stored table describes (ids dropped). Markers read as the export
    shows them (the marker as written while it matches the status, else the glyph), or as
    stored with ``stored_markers`` (to import the state back without touching them)."""
    return Overview(
        **{name: state.get(name) for name in YEAR_FIELDS},
        strategies=[
            StrategyData(
                s["number"],
                s["title"],
                s["heading"],
                s.get("band", ""),
                measures=[
                    MeasureData(
                        m["label"],
                        m["title"],
                        m["heading"],
                        m.get("policy_field", ""),
                        projects=[_project(p, stored_markers) for p in m["projects"]],
                    )
                    for m in s["measures"]
                ],
            )
            for s in state["strategies"]
        ],
    )


def _project(p: dict, stored_markers: bool) -> ProjectData:
    munis = p.get("municipalities")
    return ProjectData(
        p["number"],
        p["name"],
        municipalities=None if munis is None else list(munis),
        rows=[
            RowData(
                r.get("summary", ""),
                activities=[
                    ActivityData(
                        a["status"],
                        a["text"],
                        a.get("marker", "")
                        if stored_markers
                        else export_marker(a["status"], a.get("marker", "")),
                        list(a["details"]),
                    )
                    for a in r["activities"]
                ],
                municipalities_text=r.get("municipalities_text", ""),
                municipalities=r.get("municipalities"),
            )
            for r in p["rows"]
        ],
    )


def projects_of(state: dict) -> Iterator[dict]:
    for s in state["strategies"]:
        for m in s["measures"]:
            yield from m["projects"]


def activities_of(state: dict) -> Iterator[tuple[dict, dict]]:
    """(project, activity) in table order."""
    for p in projects_of(state):
        for r in p["rows"]:
            for a in r["activities"]:
                yield p, a


def label_of(project: dict) -> str:
    return project_label(project["number"], project["name"])


def line_of(activity: dict) -> str:
    return export_marker(activity["status"], activity.get("marker") or "") + activity["text"]
