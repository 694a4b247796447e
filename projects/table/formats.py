"""The export formats written from an ``Overview``: json ``renkei-overview/1``, csv, xlsx.

Also the two rules every downloadable table shares: a cell that a spreadsheet would run as a
formula gets a leading ' (``neutralise_formula``), and a CSV starts with a BOM so that Excel
reads it as UTF-8 (``csv_bytes``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from .dates import Event
from .eras import fiscal_year_label
from .licence import LICENSE, attribution
from .model import ActivityData, Overview, ProjectData, RowData
from .notation import CANONICAL_MARKERS, STATUSES
from .writer import write_overview

JSON_FORMAT = "renkei-overview/1"
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}
OPEN_DATA_FORMATS = ("json", "csv", "xlsx")  # the PDF is the meeting handout, not open data


def absolute(base_url: str, url: str) -> str | None:
    """The portal's URL of a record, absolute when the site's address is known."""
    return (base_url.rstrip("/") + url) if url else None


def activity_json(activity: ActivityData, fiscal_year: int, base_url: str = "") -> dict:
    return {
        "id": activity.id,
        "url": absolute(base_url, activity.url),
        "status": activity.status,
        "marker": CANONICAL_MARKERS.get(activity.status or "", ""),
        "text": activity.text,
        "details": list(activity.details),
        "tags": activity.tags,
        "events": [e.as_dict() for e in activity.events(fiscal_year)],
    }


def row_municipalities(project: ProjectData, row: RowData) -> list[str]:
    """The member names a row concerns: its own 関係市町 cell's (「全市町」 spelled out), else
    its project's."""
    own = row.municipalities
    return list(own if own is not None else project.municipalities or [])


def row_municipalities_text(project: ProjectData, row: RowData) -> str:
    """A row's 関係市町 as the document writes it (「全市町」), else its project's names."""
    return row.municipalities_text or "、".join(project.municipalities or [])


def project_json(project: ProjectData, fiscal_year: int, base_url: str = "") -> dict:
    return {
        "id": project.id,
        "url": absolute(base_url, project.url),
        "number": project.number,
        "name": project.name,
        "name_en": project.name_en or None,
        "municipalities": list(project.municipalities or []),
        "rows": [
            {
                "summary": row.summary,
                "summary_en": row.summary_en or None,
                "municipalities": row_municipalities(project, row),
                "activities": [activity_json(a, fiscal_year, base_url) for a in row.activities],
            }
            for row in project.rows
        ],
    }


def to_json(overview: Overview, *, base_url: str = "") -> dict:
    """The open-data document ``renkei-overview/1`` (see README and ``SCHEMA_PATH``): ``id``
    and ``url`` of projects and activities are the portal's (null for a table read from a file);
    ``base_url`` makes the URLs absolute."""
    year = overview.fiscal_year
    return {
        "format": JSON_FORMAT,
        "$schema": absolute(base_url, "/opendata/schema.json"),
        "fiscal_year": year,
        "fiscal_year_label": fiscal_year_label(year),
        "title": overview.title,
        "document_label": overview.document_label,
        "data_as_of": overview.stated_date.isoformat() if overview.stated_date else None,
        "publisher": overview.publisher or None,
        "license": {**LICENSE, "attribution": attribution(overview.publisher)},
        "municipalities": [
            {
                "name": m.name,
                "name_en": m.name_en or None,
                "reading": m.reading,
                "code": m.code,
                "slug": m.slug,
                "url": absolute(base_url, m.url),
            }
            for m in overview.municipalities
        ],
        "legend": {s: overview.legend_for(s) for s in STATUSES},
        "strategies": [
            {
                "number": s.number,
                "title": s.title,
                "title_en": s.title_en or None,
                "measures": [
                    {
                        "label": m.label,
                        "title": m.title,
                        "title_en": m.title_en or None,
                        "policy_field": m.policy_field or None,
                        "projects": [project_json(p, year, base_url) for p in m.projects],
                    }
                    for m in s.measures
                ],
            }
            for s in overview.strategies
        ],
    }


# Columns that hold a list write it with a separator: 関係市町, 関係市町コード and タグ with
# LIST_SEPARATOR (関係市町(記載) is the row's cell as the document writes it, 「全市町」 and all), 日程 with LIST_SEPARATOR between ISO 8601 dates or intervals (start/end),
# 詳細 one detail line per line (a line break inside the quoted cell).
LIST_SEPARATOR = ";"
CSV_COLUMNS = [
    "年度",
    "年度(西暦)",
    "取組番号",
    "取組",
    "政策分野",
    "施策記号",
    "施策",
    "事業ID",
    "事業番号",
    "事業名",
    "関係市町",
    "関係市町コード",
    "関係市町(記載)",
    "行",
    "事業の概要",
    "実績項目ID",
    "順序",
    "状況",
    "記号",
    "内容",
    "詳細",
    "タグ",
    "日程",
    "URL",
]


def csv_rows(overview: Overview, *, base_url: str = ""):
    """One row per activity with its whole hierarchy (header first)."""
    year = overview.fiscal_year
    codes = {m.name: m.code or "" for m in overview.municipalities}
    join = LIST_SEPARATOR.join
    yield CSV_COLUMNS
    for s in overview.strategies:
        for m in s.measures:
            for p in m.projects:
                for row_no, row in enumerate(p.rows, start=1):
                    for order, a in enumerate(row.activities, start=1):
                        names = row_municipalities(p, row)
                        yield [
                            fiscal_year_label(year),
                            year,
                            s.number,
                            s.title,
                            m.policy_field,
                            m.label,
                            m.title,
                            "" if p.id is None else p.id,
                            "" if p.number is None else p.number,
                            p.name,
                            join(names),
                            join(codes.get(n, "") for n in names),
                            row_municipalities_text(p, row),
                            row_no,
                            row.summary,
                            "" if a.id is None else a.id,
                            order,
                            overview.legend_for(a.status) if a.status else "",
                            CANONICAL_MARKERS.get(a.status or "", ""),
                            a.text,
                            "\n".join(a.details),
                            join(a.tags),
                            join(_event_text(e) for e in a.events(year)),
                            absolute(base_url, a.url) or "",
                        ]


def _event_text(event: Event) -> str:
    text = event.start.iso()
    if event.end:
        text += "/" + event.end.iso()
    return text


def neutralise_formula(value):
    """Prefix text that a spreadsheet would run as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[list]) -> bytes:
    """Rows as CSV for Excel: UTF-8 with a BOM, CRLF, formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise_formula(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render(overview: Overview, fmt: str, *, base_url: str = "") -> bytes:
    """The table in one of the open-data formats (the PDF is ``reports.handout``'s)."""
    if fmt == "json":
        document = to_json(overview, base_url=base_url)
        return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    if fmt == "csv":
        return csv_bytes(csv_rows(overview, base_url=base_url))
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_overview(overview, buffer)
        return buffer.getvalue()
    raise ValueError(f"unknown format: {fmt}")


def filename(overview: Overview, fmt: str, suffix: str = "") -> str:
    return f"renkei-overview-{overview.fiscal_year}{suffix}.{fmt}"
