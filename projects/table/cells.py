"""Reading the cells of one row of the table: the project number, the row's 関係市町 and the
lines of its results cell (activities, their details, lines without a marker)."""

from __future__ import annotations

import unicodedata

from openpyxl.utils import get_column_letter

from . import notation
from .columns import cell_text
from .model import ActivityData, RowData


class RowCells:
    """The cell readers of ``reader.TableReader`` (which provides ``problem``, ``cols``,
    ``members``, ``project`` and ``overview``)."""

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
        reading = self.members.read(text, self.overview.fiscal_year)
        for code, message in reading.problems(self.overview.fiscal_year):
            self.problem("error", message, col=col, row=excel_row, code=code)
        return reading.names

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
