"""Reading the 資料 workbook (openpyxl; no database).

The reader accepts the family of workbooks the secretariat produces: the header found by its
labels wherever it is, hierarchy cells merged (read as empty below the anchor) or repeated on
every row, an optional 関係市町 column, notes above the table and other sheets ignored.
It never stops at the first problem: every error and warning is collected with its cell.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

import openpyxl
from openpyxl.utils import get_column_letter

from . import notation
from .columns import Columns, cell_text, cells_of, find_columns, title_and_label
from .eras import parse_fiscal_year
from .files import DEFAULT_MAX_BYTES, DEFAULT_MAX_UNCOMPRESSED, WorkbookError, check_file
from .members import ALL_MUNICIPALITIES_WORDS, Members
from .model import (
    ActivityData,
    MeasureData,
    Overview,
    Problem,
    ProjectData,
    RowData,
    StrategyData,
)

HEADER_SCAN_ROWS = 40

STRATEGY_RE = re.compile(r"^\s*([0-9０-９]*)[\s\u3000.．、]*(.*)$", re.S)
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
    year: int | None = None,
    progress: ProgressCallback | None = None,
    max_bytes=DEFAULT_MAX_BYTES,
    max_uncompressed=DEFAULT_MAX_UNCOMPRESSED,
) -> Overview:
    """Parse a 資料 workbook. Raises WorkbookError when it is not one; otherwise returns an
    Overview whose ``errors`` and ``warnings`` list every problem found.

    ``municipalities`` are the member municipalities' names, in their order: the names a
    関係市町 cell may use; ``all_words`` are the words that mean every one of them
    (「全市町」). Any other name in such a cell is an error with its cell."""
    check_file(path_or_file, max_bytes=max_bytes, max_uncompressed=max_uncompressed)
    try:
        workbook = openpyxl.load_workbook(path_or_file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise WorkbookError(
            [Problem(f"Excel ブックとして読めません ({type(exc).__name__})。", code="unreadable")]
        ) from exc
    try:
        for sheet in workbook.worksheets:
            rows = list(sheet.iter_rows(values_only=True))
            columns = find_columns(rows[:HEADER_SCAN_ROWS])
            if columns is not None:
                members = Members(tuple(municipalities), tuple(all_words))
                return TableReader(sheet.title, rows, columns, year, progress, members).read()
    finally:
        workbook.close()
    raise WorkbookError(
        [
            Problem(
                "表の見出し行 (取組・事業名・事業の概要・事業の実績) が見つかりません。",
                code="no_header",
            )
        ]
    )


class TableReader:
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
        self.sheet, self.rows, self.cols, self.progress = sheet, rows, columns, progress
        self.members = members or Members()
        self.overview = Overview(sheet=sheet)
        self.year_override = year
        self.strategy: StrategyData | None = None
        self.measure: MeasureData | None = None
        self.project: ProjectData | None = None
        self.policy_field = ""
        self.pending_band = ""

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
        ov.title, ov.document_label = title_and_label(self.rows[: self.cols.header_row])
        texts = {"title": ov.title, "document_label": ov.document_label}
        ov.cells = cells_of(self.rows[: self.cols.header_row], texts)
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
        if not ov.legend:
            self.problem(
                "warning",
                "実績欄の見出しに凡例 (●は実施済み…) がありません。既定の凡例で読みます。",
                col=cols.results,
                row=cols.header_row + 1,
                code="no_legend",
            )

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
        if self.strategy is None and set(filled) == {cols.results} and self.read_legend_row(filled):
            return
        strategy_text = texts[cols.strategy]
        measure_text = texts.get(cols.measure, "") if cols.measure is not None else ""
        rest = {t for c, t in filled.items() if c not in (cols.strategy, cols.measure)}
        if strategy_text and not measure_text and rest <= {strategy_text}:
            if STRATEGY_RE.match(strategy_text).group(1):
                self.enter_strategy(strategy_text, excel_row)
            else:
                self.pending_band = strategy_text  # a band row across the table
            return
        if POLICY_RE.match(measure_text) and rest <= {measure_text}:
            self.enter_strategy(strategy_text, excel_row)
            self.policy_field, self.measure, self.project = measure_text, None, None
            return
        self.enter_strategy(texts[cols.strategy], excel_row)
        if measure_text:
            self.enter_measure(measure_text, excel_row)
        self.enter_row(values, texts, excel_row)

    def read_legend_row(self, filled) -> bool:
        """A legend printed on its own row under the header, e.g. 「(●は実施済み、…)」."""
        text = filled[self.cols.results]
        legend = notation.parse_legend(text)
        if not legend:
            return False
        ov = self.overview
        ov.results_header = f"{ov.results_header}\n{text}" if ov.results_header else text
        ov.legend = legend
        ov.warnings = [w for w in ov.warnings if w.code != "no_legend"]
        return True

    def enter_strategy(self, heading: str, excel_row: int):
        if not heading or (self.strategy and heading == self.strategy.heading):
            return
        digits, title = STRATEGY_RE.match(heading).groups()
        number = (
            int(unicodedata.normalize("NFKC", digits))
            if digits
            else len(self.overview.strategies) + 1
        )
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

    def parse_number(self, text: str, excel_row: int) -> int | None:
        if not text:
            return None
        folded = unicodedata.normalize("NFKC", text).strip()
        if folded.isdecimal():  # isdigit() also takes ❶ and ⓵, which int() refuses
            return int(folded)
        self.problem(
            "error",
            f"事業番号「{text}」が数字ではありません。",
            col=self.cols.number,
            row=excel_row,
            code="bad_number",
        )
        return None

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
        row = RowData(summary=cell_text(values[cols.summary]).strip(), excel_row=excel_row)
        previous = self.project.rows[-1] if self.project.rows else None
        self.project.rows.append(row)
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

    def read_municipalities(self, values, row: RowData, previous: RowData | None, excel_row):
        """The row's 関係市町 as written, and the names it means. An empty cell under a row of
        the same project continues it (a merged cell reads empty below its first row)."""
        col = self.cols.municipalities
        if col is None:
            return
        text = self.value(values, col)
        if not text and previous is not None:
            row.municipalities_text, row.municipalities = (
                previous.municipalities_text,
                list(previous.municipalities or []),
            )
        elif text:
            row.municipalities_text, row.municipalities = (
                text,
                self.member_names(text, col, excel_row),
            )
        union = [n for r in self.project.rows for n in r.municipalities or []]
        self.project.municipalities = self.members.ordered(union)

    def member_names(self, text: str, col: int, excel_row: int) -> list[str]:
        names, unknown = self.members.read(text)
        for name in unknown:
            self.problem(
                "error",
                f"関係市町「{name}」は圏域の市町ではありません。",
                col=col,
                row=excel_row,
                code="unknown_municipality",
            )
        return names

    def read_results(self, value, row: RowData, excel_row: int):
        col = self.cols.results
        cell = f"{get_column_letter(col + 1)}{excel_row}"
        legend = self.overview.legend or None
        for number, line in enumerate(notation.split_lines(cell_text(value)), start=1):
            parsed = notation.classify_line(line, legend)
            if parsed.kind == "activity":
                row.activities.append(
                    ActivityData(parsed.status, parsed.text, parsed.prefix, cell=cell)
                )
            elif parsed.kind == "detail" and row.activities:
                row.activities[-1].details.append(parsed.text)
            elif parsed.kind == "unknown_marker":
                self.problem(
                    "error",
                    f"{number} 行目の記号「{parsed.symbol}」は凡例にありません: {line}",
                    col=col,
                    row=excel_row,
                    code="unknown_marker",
                )
            elif parsed.kind in ("unmarked", "detail"):
                row.activities.append(ActivityData(None, line, "", cell=cell))
                self.problem(
                    "warning",
                    f"{number} 行目に状況の記号がありません。記号なしで取り込みます: {line}",
                    col=col,
                    row=excel_row,
                    code="unmarked",
                )
