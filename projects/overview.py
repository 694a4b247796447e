"""The 資料 table as plain data, shared by the workbook reader, the writers and the database.

Pure Python (no Django): the reader builds an ``Overview`` from a workbook, the database builds
one from its rows, and every export (xlsx, json, csv) is written from an ``Overview``. So an
export reads exactly like its source, whichever way it came in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import notation

JSON_FORMAT = "renkei-overview/1"

ALL_MUNICIPALITIES = ("山口市", "宇部市", "萩市", "防府市", "美祢市", "山陽小野田市", "津和野町")


@dataclass
class Problem:
    """An error or warning found in a workbook, with where it is."""

    message: str
    sheet: str = ""
    cell: str = ""
    project: str = ""
    code: str = ""

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(f"シート「{self.sheet}」")
        if self.cell:
            where.append(f"セル {self.cell}")
        if self.project:
            where.append(f"事業「{self.project}」")
        return (" ".join(where) + ": " if where else "") + self.message


@dataclass
class ActivityData:
    status: str | None
    text: str
    marker: str = ""  # the marker as written, with its spacing; "" for a line without one
    details: list[str] = field(default_factory=list)
    cell: str = ""

    @property
    def line(self) -> str:
        return self.marker + self.text

    def lines(self) -> list[str]:
        return [self.line, *self.details]

    @property
    def tags(self) -> list[str]:
        return notation.find_tags(self.text)

    def events(self, fiscal_year: int) -> list[notation.Event]:
        return [
            e
            for part in (self.text, *self.details)
            for e in notation.parse_events(part, fiscal_year)
        ]


@dataclass
class RowData:
    summary: str = ""
    activities: list[ActivityData] = field(default_factory=list)
    excel_row: int = 0

    @property
    def results(self) -> str:
        return "\n".join(line for a in self.activities for line in a.lines())


@dataclass
class ProjectData:
    number: int | None
    name: str
    municipalities: list[str] | None = None  # None: the workbook does not say
    rows: list[RowData] = field(default_factory=list)
    excel_row: int = 0

    @property
    def label(self) -> str:
        if self.number is None:
            return self.name
        return f"{self.number} {self.name}".strip()

    def activities(self):
        return [a for row in self.rows for a in row.activities]


@dataclass
class MeasureData:
    label: str
    title: str
    heading: str
    policy_field: str = ""
    projects: list[ProjectData] = field(default_factory=list)


@dataclass
class StrategyData:
    number: int
    title: str
    heading: str
    band: str = ""
    measures: list[MeasureData] = field(default_factory=list)


@dataclass
class Overview:
    fiscal_year: int | None = None
    title: str = ""
    document_label: str = ""
    results_header: str = "事業の実績見込み"
    legend: dict[str, str] = field(default_factory=dict)
    has_municipality_column: bool = False
    strategies: list[StrategyData] = field(default_factory=list)
    sheet: str = ""
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def measures(self):
        return [m for s in self.strategies for m in s.measures]

    def projects(self):
        return [p for m in self.measures() for p in m.projects]

    def rows(self):
        return [r for p in self.projects() for r in p.rows]

    def activities(self):
        return [a for r in self.rows() for a in r.activities]

    def legend_for(self, status: str) -> str:
        return self.legend.get(status) or notation.DEFAULT_LEGEND[status]


def activity_json(activity: ActivityData, fiscal_year: int) -> dict:
    return {
        "status": activity.status,
        "marker": notation.CANONICAL_MARKERS.get(activity.status or "", ""),
        "text": activity.text,
        "details": list(activity.details),
        "tags": activity.tags,
        "events": [e.as_dict() for e in activity.events(fiscal_year)],
    }


def project_json(project: ProjectData, fiscal_year: int) -> dict:
    return {
        "number": project.number,
        "name": project.name,
        "municipalities": list(project.municipalities or []),
        "rows": [
            {
                "summary": row.summary,
                "activities": [activity_json(a, fiscal_year) for a in row.activities],
            }
            for row in project.rows
        ],
    }


def to_json(overview: Overview) -> dict:
    """The open-data document ``renkei-overview/1`` (see README)."""
    year = overview.fiscal_year
    return {
        "format": JSON_FORMAT,
        "fiscal_year": year,
        "fiscal_year_label": notation.fiscal_year_label(year),
        "title": overview.title,
        "document_label": overview.document_label,
        "legend": {s: overview.legend_for(s) for s in notation.STATUSES},
        "strategies": [
            {
                "number": s.number,
                "title": s.title,
                "measures": [
                    {
                        "label": m.label,
                        "title": m.title,
                        "policy_field": m.policy_field or None,
                        "projects": [project_json(p, year) for p in m.projects],
                    }
                    for m in s.measures
                ],
            }
            for s in overview.strategies
        ],
    }


CSV_COLUMNS = [
    "年度",
    "取組番号",
    "取組",
    "政策分野",
    "施策記号",
    "施策",
    "事業番号",
    "事業名",
    "関係市町",
    "行",
    "事業の概要",
    "順序",
    "状況",
    "記号",
    "内容",
    "詳細",
    "タグ",
    "日程",
]


def csv_rows(overview: Overview):
    """One row per activity with its whole hierarchy (header first)."""
    year = overview.fiscal_year
    yield CSV_COLUMNS
    for s in overview.strategies:
        for m in s.measures:
            for p in m.projects:
                for row_no, row in enumerate(p.rows, start=1):
                    for order, a in enumerate(row.activities, start=1):
                        yield [
                            notation.fiscal_year_label(year),
                            s.number,
                            s.title,
                            m.policy_field,
                            m.label,
                            m.title,
                            "" if p.number is None else p.number,
                            p.name,
                            "、".join(p.municipalities or []),
                            row_no,
                            row.summary,
                            order,
                            overview.legend_for(a.status) if a.status else "",
                            notation.CANONICAL_MARKERS.get(a.status or "", ""),
                            a.text,
                            "\n".join(a.details),
                            "、".join(a.tags),
                            "、".join(_event_text(e) for e in a.events(year)),
                        ]


def _event_text(event: notation.Event) -> str:
    text = event.start.iso()
    if event.end:
        text += "/" + event.end.iso()
    return text


def neutralise_formula(value):
    """Prefix text that a spreadsheet would run as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
