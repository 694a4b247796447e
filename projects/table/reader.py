"""Reading the 資料 workbook (openpyxl; no database).

The reader accepts the family of workbooks the secretariat produces: the header found by its
labels wherever it is, hierarchy cells merged (read as empty below the anchor) or repeated on
every row, an optional 関係市町 column, notes above the table and other sheets ignored.
It never stops at the first problem: every error and warning is collected with its cell.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Mapping, Sequence

from openpyxl.utils import get_column_letter

from . import notation, text
from .cells import RowCells
from .columns import (
    Columns,
    cell_text,
    cells_of,
    find_columns,
    title_and_label,
)
from .edition import Mark, read_layout
from .eras import parse_fiscal_year, stated_date
from .files import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_UNCOMPRESSED,
    WorkbookError,
    check_file,
    unreadable,
)
from .headings import HEADER_SCAN_ROWS, STRATEGY_RE, HeadingRows, no_header, strategy_number
from .members import ALL_MUNICIPALITIES_WORDS, Members
from .model import (
    MeasureData,
    Overview,
    Problem,
    ProjectData,
    RowData,
    StrategyData,
)
from .sheet import read_setup
from .workbook import Workbook

MEASURE_RE = re.compile(
    r"^\s*([ア-ンA-Za-zＡ-Ｚａ-ｚ]|[0-9０-９]+|[①-⑳])[\s\u3000.．、]+(.+)$", re.S
)
POLICY_RE = re.compile(r"^\s*[(（][0-9０-９]+[)）]")


ProgressCallback = Callable[[int, int], None]


def read_overview(
    path_or_file,
    *,
    municipalities: Sequence[str] = (),
    all_words: Sequence[str] = ALL_MUNICIPALITIES_WORDS,
    retired: Mapping[str, Collection[int]] | None = None,
    year: int | None = None,
    progress: ProgressCallback | None = None,
    max_bytes=DEFAULT_MAX_BYTES,
    max_uncompressed=DEFAULT_MAX_UNCOMPRESSED,
    checked: bool = False,
) -> Overview:
    """Parse a 資料 workbook. Raises WorkbookError when it is not one; otherwise returns an
    Overview whose ``errors`` and ``warnings`` list every problem found.

    ``municipalities`` are the member municipalities' names, in their order: the names a
    関係市町 cell may use; ``all_words`` are the words that mean every one of them
    (「全市町」); ``retired`` gives for each retired member the fiscal years it is still part of
    (those whose data names it): in any other year the all-words leave it out and naming it is
    an error. Any other name in such a cell is an error with its cell. ``checked``: the
    caller has already run ``check_file`` on the same bytes."""
    if not checked:
        check_file(path_or_file, max_bytes=max_bytes, max_uncompressed=max_uncompressed)
    name = os.path.basename(str(getattr(path_or_file, "name", path_or_file)))
    try:
        workbook = Workbook(path_or_file)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise unreadable(exc, name) from exc
    scanned = []
    try:
        for title, rows in workbook.sheets():
            columns = find_columns(rows[:HEADER_SCAN_ROWS])
            if columns is not None:
                members = Members(tuple(municipalities), tuple(all_words), dict(retired or {}))
                setup = read_setup(path_or_file, title)
                reader = TableReader(title, rows, columns, year, progress, members)
                reader.across = {(r1, c1) for r1, c1, r2, c2 in setup.merges if c2 > c1}
                overview = reader.read()
                overview.layout = read_layout(
                    title, reader.rows, columns, reader.marks, setup, overview
                )
                return overview
            scanned.append((title, rows[:HEADER_SCAN_ROWS]))
    except WorkbookError:
        raise
    except Exception as exc:  # a damaged part shows only when it is read
        raise unreadable(exc, name) from exc
    finally:
        workbook.close()
    raise WorkbookError([no_header(scanned)])


class TableReader(RowCells, HeadingRows):
    """Walks the rows under the header, filling hierarchy cells downward."""

    def __init__(
        self,
        sheet: str,
        rows: list[tuple],
        columns: Columns,
        year: int | None,
        progress,
        members: Members | None = None,
    ):
        self.sheet, self.cols, self.progress = sheet, columns, progress
        self.members = members or Members()
        self.overview = Overview(sheet=sheet)
        self.marks: list[Mark] = []
        self.year_override = year
        self.strategy: StrategyData | None = None
        self.measure: MeasureData | None = None
        self.project: ProjectData | None = None
        self.policy_field = ""
        self.pending_band = ""
        self.across: set[tuple[int, int]] = set()  # (row, col) of cells merged across columns
        self.rows = self.checked(rows)

    def problem(
        self, kind: str, message: str, *, col: int | None = None, row: int = 0, code: str = ""
    ):
        cell = (
            f"{get_column_letter(col + 1)}{row}"
            if col is not None and row
            else (str(row) if row else "")
        )
        project = self.project.label if self.project and kind != "title" else ""
        target = self.overview.warnings if kind == "warning" else self.overview.errors
        target.append(Problem(message, self.sheet, cell, project, code))

    def checked(self, rows: list[tuple]) -> list[tuple]:
        """The rows with each text read as Excel reads it (``_xHHHH_`` escapes); a text no cell
        may hold (a control character, more than Excel's 32,767 characters) is an error."""
        cleaned = []
        for number, values in enumerate(rows, start=1):
            if any(isinstance(v, str) for v in values):
                values = tuple(text.unescape_ooxml(v) if isinstance(v, str) else v for v in values)
                for col, value in enumerate(values):
                    if isinstance(value, str) and (why := text.problem(value)):
                        self.problem("error", why, col=col, row=number, code="bad_text")
            cleaned.append(values)
        return cleaned

    def read(self) -> Overview:
        self.read_preamble()
        self.read_header()
        data = self.rows[self.cols.header_row + 1 :]
        for offset, values in enumerate(data):
            excel_row = self.cols.header_row + 2 + offset
            values = tuple(values) + (None,) * (self.cols.span() - len(values))
            self.read_row(values, excel_row)
            if self.progress and offset % 200 == 0:
                self.progress(offset, len(data))
        if self.progress:
            self.progress(len(data), len(data))
        if not self.overview.projects():
            self.overview.errors.append(
                Problem("表に事業が 1 件もありません。", self.sheet, code="empty")
            )
        return self.overview

    def read_preamble(self):
        """The title (the text naming a 年度, preferring one about 事業) and the 資料 label."""
        ov = self.overview
        above = self.rows[: self.cols.header_row]
        ov.title, ov.document_label = title_and_label(above)
        texts = {"title": ov.title, "document_label": ov.document_label}
        ov.cells = cells_of(above, texts)
        ov.stated_date = stated_date(cell_text(v) for row in above for v in row if v is not None)
        ov.fiscal_year = self.year_override or parse_fiscal_year(ov.title)
        if ov.fiscal_year is None:
            ov.errors.append(
                Problem(
                    "表題から年度 (例: 令和2年度) を読み取れません。",
                    self.sheet,
                    code="no_year",
                )
            )
            ov.fiscal_year = 0

    def read_header(self):
        ov, cols = self.overview, self.cols
        header = self.rows[cols.header_row]
        roles = {k: v for k, v in vars(cols).items() if k != "header_row" and v is not None}
        ov.columns = {role: get_column_letter(col + 1) for role, col in roles.items()}
        ov.cells["results_header"] = f"{ov.columns['results']}{cols.header_row + 1}"
        ov.results_header = cell_text(header[cols.results])
        ov.legend = notation.parse_legend(ov.results_header)
        ov.has_municipality_column = cols.municipalities is not None
        ov.has_english_column = cols.name_en is not None or cols.summary_en is not None
        self.legend_problems(ov.results_header, cols.header_row + 1)
        if not ov.legend:
            self.legend_elsewhere()
        if not ov.legend:
            self.problem(
                "warning",
                "実績欄の見出しに凡例 (●は実施済み…) がありません。既定の凡例で読みます。",
                col=cols.results,
                row=cols.header_row + 1,
                code="no_legend",
            )

    def legend_problems(self, legend_text: str, excel_row: int):
        for message in notation.legend_problems(legend_text):
            self.problem("error", message, col=self.cols.results, row=excel_row, code="legend")

    def value(self, values, col) -> str:
        return "" if col is None else cell_text(values[col]).strip()

    def read_row(self, values, excel_row):
        cols = self.cols
        texts = {
            c: self.value(values, c)
            for c in (
                cols.strategy,
                cols.measure,
                cols.number,
                cols.name,
                cols.summary,
                cols.results,
            )
        }
        filled = {c: t for c, t in texts.items() if t}
        if not filled:
            return
        if self.strategy is None and self.read_legend_row(values, excel_row):
            return
        strategy_text = texts[cols.strategy]
        measure_text = texts.get(cols.measure, "") if cols.measure is not None else ""
        rest = {t for c, t in filled.items() if c not in (cols.strategy, cols.measure)}
        if not strategy_text and strategy_number(self.pending_band) is not None:
            strategy_text = self.pending_band  # a numbered band names the strategy below it
        elif strategy_text and not measure_text and rest <= {strategy_text}:
            if self.is_heading_row(strategy_text, excel_row):
                self.enter_strategy(strategy_text, excel_row)
                self.marks.append(Mark(excel_row, "heading", self.strategy))
            else:
                self.pending_band = strategy_text  # a band row across the table
                self.marks.append(Mark(excel_row, "band"))
            return
        if POLICY_RE.match(measure_text) and rest <= {measure_text}:
            self.enter_strategy(strategy_text, excel_row)
            self.policy_field, self.measure, self.project = measure_text, None, None
            self.marks.append(Mark(excel_row, "policy", self.strategy, policy=measure_text))
            return
        self.enter_strategy(strategy_text, excel_row)
        if measure_text:
            self.enter_measure(measure_text, excel_row)
        self.enter_row(values, texts, excel_row)

    def enter_strategy(self, heading: str, excel_row: int):
        if not heading or (self.strategy and heading == self.strategy.heading):
            return
        title = STRATEGY_RE.match(heading).group(2)
        number = strategy_number(heading)
        if number is None:
            number = strategy_number(self.pending_band) or len(self.overview.strategies) + 1
        title = title.strip() or heading
        self.strategy = StrategyData(number, title, heading, self.pending_band, excel_row=excel_row)
        if any(s.number == number for s in self.overview.strategies):
            self.problem(
                "error",
                f"取組番号 {number} が重複しています。",
                col=self.cols.strategy,
                row=excel_row,
                code="duplicate_strategy",
            )
        self.overview.strategies.append(self.strategy)
        self.pending_band, self.policy_field, self.measure, self.project = "", "", None, None

    def enter_measure(self, heading: str, excel_row: int):
        if self.measure and heading == self.measure.heading:
            return
        if self.strategy is None:
            self.problem(
                "error",
                "取組のない施策です。",
                col=self.cols.measure,
                row=excel_row,
                code="no_strategy",
            )
            return
        match = MEASURE_RE.match(heading)
        label, title = (
            (match.group(1), match.group(2).strip()) if match else (heading[:10], heading)
        )
        self.project = None
        if any(
            (m.policy_field, m.label) == (self.policy_field, label) for m in self.strategy.measures
        ):
            self.problem(
                "error",
                f"施策「{label}」が同じ取組・政策分野の中で重複しています。",
                col=self.cols.measure,
                row=excel_row,
                code="duplicate_measure",
            )
        self.measure = MeasureData(label, title, heading, self.policy_field, excel_row=excel_row)
        self.strategy.measures.append(self.measure)
        self.project = None

    def enter_row(self, values, texts, excel_row):
        cols = self.cols
        number_text, name = (
            texts.get(cols.number, "") if cols.number is not None else "",
            texts[cols.name],
        )
        number = self.parse_number(number_text, excel_row)
        current = self.project
        continues = current is not None and (
            (not number_text and not name)
            or (not number_text and name == current.name)
            or (number is not None and number == current.number and name in ("", current.name))
        )
        if not continues:
            if self.measure is None:
                self.problem(
                    "error",
                    "施策が決まらない行です。",
                    col=cols.measure or cols.strategy,
                    row=excel_row,
                    code="no_measure",
                )
                return
            self.project = ProjectData(number, name, excel_row=excel_row)
            self.measure.projects.append(self.project)
        self.project.name_en = self.project.name_en or self.value(values, cols.name_en)
        row = RowData(summary=cell_text(values[cols.summary]).strip(), excel_row=excel_row)
        row.summary_en = self.value(values, cols.summary_en)
        previous = self.project.rows[-1] if self.project.rows else None
        self.project.rows.append(row)
        self.marks.append(
            Mark(
                excel_row,
                "data",
                self.strategy,
                self.measure,
                self.project,
                len(self.project.rows) - 1,
            )
        )
        self.read_municipalities(values, row, previous, excel_row)
        self.read_results(values[cols.results], row, excel_row)
        if (
            not continues
            and number is not None
            and not name
            and not row.summary
            and not row.activities
        ):
            self.problem(
                "warning",
                "番号だけの行です (事業名・概要・実績がありません)。取り込んで残します。",
                col=cols.number,
                row=excel_row,
                code="number_only",
            )
