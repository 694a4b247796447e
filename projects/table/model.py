"""The 資料 table as plain data: the ``Overview`` and its levels, and the ``Problem`` reports.

The reader builds an ``Overview`` from a workbook, ``reports.tables`` builds one from the
database, and every export (xlsx, json, csv, the print view) is written from an ``Overview``,
so an export reads exactly like its source, whichever way it came in.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .dates import Event, parse_events
from .layout import Layout, default_layout
from .notation import DEFAULT_LEGEND, find_tags


def project_label(number: int | None, name: str) -> str:
    """「12 圏域情報の発信」, or the name alone for an unnumbered project."""
    return name if number is None else f"{number} {name}".strip()


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
    id: int | None = None  # the portal's stable id (kept across re-imports); None from a file
    url: str = ""  # the portal's page for it, where the data comes from the portal

    @property
    def line(self) -> str:
        return self.marker + self.text

    def lines(self) -> list[str]:
        return [self.line, *self.details]

    @property
    def tags(self) -> list[str]:
        return find_tags(self.text)

    def events(self, fiscal_year: int) -> list[Event]:
        return [e for part in (self.text, *self.details) for e in parse_events(part, fiscal_year)]


@dataclass
class RowData:
    summary: str = ""
    activities: list[ActivityData] = field(default_factory=list)
    excel_row: int = 0
    # The row's 関係市町 cell as written (「全市町」 stays 「全市町」), and the member names it
    # means; "" and None where the row has no cell of its own.
    municipalities_text: str = ""
    municipalities: list[str] | None = None
    summary_en: str = ""  # English summary ("" where none is written)

    @property
    def results(self) -> str:
        return "\n".join(line for a in self.activities for line in a.lines())


@dataclass
class ProjectData:
    number: int | None
    name: str
    municipalities: list[str] | None = None  # the union of the rows'; None: not said
    rows: list[RowData] = field(default_factory=list)
    excel_row: int = 0
    id: int | None = None  # as ``ActivityData.id``
    url: str = ""
    name_en: str = ""  # English name ("" where none is written)

    @property
    def label(self) -> str:
        return project_label(self.number, self.name)

    def activities(self):
        return [a for row in self.rows for a in row.activities]


@dataclass
class MeasureData:
    label: str
    title: str
    heading: str
    policy_field: str = ""
    projects: list[ProjectData] = field(default_factory=list)
    excel_row: int = 0
    title_en: str = ""


@dataclass
class StrategyData:
    number: int
    title: str
    heading: str
    band: str = ""
    measures: list[MeasureData] = field(default_factory=list)
    excel_row: int = 0
    title_en: str = ""


@dataclass
class MunicipalityData:
    """A member municipality as open data names it."""

    name: str
    reading: str = ""
    code: str | None = None  # 全国地方公共団体コード
    slug: str = ""
    url: str = ""
    name_en: str = ""


@dataclass
class Overview:
    fiscal_year: int | None = None
    title: str = ""
    document_label: str = ""
    results_header: str = "事業の実績見込み"
    legend: dict[str, str] = field(default_factory=dict)
    has_municipality_column: bool = False
    has_english_column: bool = False  # 事業名 (英語) or 概要 (英語): imported when present
    # The date the document says its data stands at (「令和4年1月31日現在」), if it says one.
    stated_date: datetime.date | None = None
    strategies: list[StrategyData] = field(default_factory=list)
    # Known where the table comes from the portal: the year's member towns and who publishes it.
    municipalities: list[MunicipalityData] = field(default_factory=list)
    publisher: str = ""
    sheet: str = ""
    layout: Layout | None = None  # the edition's form; None: the 令和2年度 form
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # The workbook's bytes as read, kept with the import's version (b"" when not from a file).
    source_file: bytes = field(default=b"", repr=False, compare=False)
    # Where the reader found things: column letters by role ("name": "D") and the cells of
    # the title, the document label and the results header ("title": "A1"); empty when the
    # table was not read from a workbook.
    columns: dict[str, str] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)

    def measures(self):
        return [m for s in self.strategies for m in s.measures]

    def projects(self):
        return [p for m in self.measures() for p in m.projects]

    def rows(self):
        return [r for p in self.projects() for r in p.rows]

    def activities(self):
        return [a for r in self.rows() for a in r.activities]

    def sheet_layout(self) -> Layout:
        """The form the table is written in: its edition's, else the 令和2年度 one; a year that
        has the 関係市町 column but an edition without it gets the column added at the end."""
        layout = self.layout or default_layout(
            municipality_column=self.has_municipality_column, sheet=self.sheet
        )
        if self.has_municipality_column:
            layout = layout.with_municipality_column()
        return layout

    @property
    def width(self) -> int:
        """Columns of the printed table: 取組 施策 番号 事業名 概要 実績 [関係市町] in the
        order and number of the edition's form."""
        return self.sheet_layout().width

    def legend_for(self, status: str) -> str:
        return self.legend.get(status) or DEFAULT_LEGEND[status]

    def cell(self, role: str, excel_row: int) -> str:
        """The cell of a column role on a sheet row (「D12」), or "" when unknown."""
        letter = self.columns.get(role, "")
        return f"{letter}{excel_row}" if letter and excel_row else ""
