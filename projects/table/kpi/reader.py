"""Reading a 成果指標 workbook into a ``KpiSheet``: every row, every problem with its cell."""

from __future__ import annotations

import os
import re
from decimal import Decimal

import openpyxl
from openpyxl.utils import get_column_letter

from ..eras import parse_fiscal_year
from ..files import DEFAULT_MAX_BYTES, WorkbookError, check_file, unreadable
from ..members import Members
from ..model import Problem
from . import (
    ALL_TOWNS_WORDS,
    DITTO,
    NUMERIC,
    IndicatorRow,
    KpiSheet,
    Legend,
    ValueCell,
    cell_text,
    find_header,
    parse_legend,
)
from . import values as kv

NO_HEADER = (
    "成果指標の表の見出し行 (成果指標・策定時または基準値・年度の列・目標値) が見つかりません。"
)
RESOLVED = {
    "field": "strategy_text",
    "measure": "measure_text",
    "survey": "survey_text",
    "towns": "towns_text",
    "unit": "unit",
}
DITTO_KEYS = tuple(RESOLVED)
UNIT_RX = re.compile(r"[(（]([^()（）]+)[)）]\s*$")


def read_kpi(path_or_file, *, members: Members, max_bytes=DEFAULT_MAX_BYTES) -> KpiSheet:
    """Parse a KPI workbook. Raises WorkbookError when it holds no KPI table; otherwise the
    sheet's ``errors`` list every problem found, each with its sheet and cell."""
    check_file(path_or_file, max_bytes=max_bytes)
    name = os.path.basename(str(getattr(path_or_file, "name", path_or_file)))
    try:
        workbook = openpyxl.load_workbook(path_or_file, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise unreadable(exc, name) from exc
    for sheet in workbook.worksheets:
        rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
        found = find_header(rows)
        if found is not None:
            return SheetReader(sheet, rows, *found, members).read()
    raise WorkbookError([Problem(NO_HEADER, code="no_header")])


class SheetReader:
    def __init__(self, sheet, rows, header_index, columns, members: Members):
        self.sheet, self.rows, self.header_index = sheet, rows, header_index
        self.columns, self.members = columns, members
        self.headers = {key: header for _, key, header in columns}
        self.errors: list[Problem] = []

    def error(self, message: str, coordinate: str = "", code: str = "") -> None:
        self.errors.append(Problem(message, sheet=self.sheet.title, cell=coordinate, code=code))

    def read(self) -> KpiSheet:
        above = self.rows[: self.header_index]
        texts = [cell_text(v) for row in above for v in row if v is not None]
        title = next((t for t in texts if t.strip()), "")
        year = next((y for y in map(parse_fiscal_year, texts) if y), None)
        data, other = self.split_rows()
        legend = self.find_legend(texts + [cell_text(v) for _, row in other for v in row if v])
        indicators = [self.read_row(index, row) for index, row in data]
        self.fill_down(indicators)
        for indicator in indicators:
            self.check_row(indicator, legend)
        layout = self.layout(data, other)
        return KpiSheet(
            self.sheet.title, year, title, legend, self.columns, indicators, layout, self.errors
        )

    def split_rows(self):
        """The indicator rows (a name or a number) wherever they are under the header, and the
        other rows with text (legend, notes, a sub-heading between indicators)."""
        keys = {key: col for col, key, _ in self.columns}
        data, other = [], []
        for index in range(self.header_index + 1, len(self.rows)):
            row = self.rows[index]
            named = any(cell_text(self.value(row, keys.get(k))).strip() for k in ("name", "number"))
            if named:
                data.append((index, row))
            elif any(v is not None and cell_text(v).strip() for v in row):
                other.append((index, row))
        return data, other

    @staticmethod
    def value(row, col):
        return row[col] if col is not None and col < len(row) else None

    def find_legend(self, texts) -> Legend:
        for text in texts:
            legend = parse_legend(text)
            if legend is not None:
                return legend
        return Legend()

    def read_row(self, index: int, row) -> IndicatorRow:
        indicator = IndicatorRow(row=index + 1)
        for col, key, _ in self.columns:
            raw = self.value(row, col)
            indicator.cells[key] = cell_text(raw)
            indicator.coordinates[key] = f"{get_column_letter(col + 1)}{index + 1}"
            if isinstance(raw, NUMERIC) and not isinstance(raw, bool):
                indicator.numeric.add(key)
        return indicator

    def fill_down(self, indicators: list[IndicatorRow]) -> None:
        """〃 and merged (empty) cells of the field and measure columns take the value above."""
        above: dict[str, str] = {}
        for indicator in indicators:
            for key in DITTO_KEYS:
                text = indicator.cells.get(key, "").strip()
                if text in DITTO or (not text and key in ("field", "measure")):
                    if key not in above and text:
                        self.error(
                            f"「{text}」の上に繰り返す値がありません。",
                            indicator.coordinates[key],
                            "ditto",
                        )
                    text = above.get(key, "")
                above[key] = text
                setattr(indicator, RESOLVED[key], text)

    def check_row(self, ind: IndicatorRow, legend: Legend) -> None:
        at = ind.coordinates
        ind.name = ind.cells.get("name", "").strip()
        if not ind.name:
            self.error("成果指標の名称が空です。", at.get("name", ""), "no_name")
        self.read_number(ind)
        self.read_unit(ind)
        self.read_baseline(ind)
        self.read_values(ind)
        self.read_target(ind)
        self.read_survey(ind)
        self.read_evaluation(ind, legend)
        self.read_towns(ind)
        self.read_projects(ind)

    def read_number(self, ind: IndicatorRow) -> None:
        text = kv.fold(ind.cells.get("number", ""))
        if text:
            if not text.isdigit():
                self.error(
                    f"番号「{ind.cells['number']}」は数字ではありません。",
                    ind.coordinates["number"],
                    "number",
                )
            else:
                ind.number = int(text)

    def read_unit(self, ind: IndicatorRow) -> None:
        unit = ind.unit or ""
        if not unit:
            match = UNIT_RX.search(ind.name)
            unit = match[1] if match else ""
        parts = re.split(r"[・、,]", unit)
        ind.cumulative = "累計" in unit or "累計" in ind.name
        ind.unit = "・".join(p for p in parts if p and p != "累計")

    def read_baseline(self, ind: IndicatorRow) -> None:
        text = ind.cells.get("baseline", "")
        number_text, period_text = kv.split_period(text)
        # the period in the cell, else its own column, else the header's 「策定時 (H30)」
        period_text = (
            period_text
            or ind.cells.get("baseline_period", "")
            or kv.split_period(self.headers.get("baseline", ""))[1]
        )
        quantity = kv.parse_number(number_text)
        if quantity is None:
            self.error(
                f"策定時の値「{text}」を数として読めません。",
                ind.coordinates.get("baseline", ""),
                "baseline",
            )
            return
        ind.baseline = quantity.number
        ind.unit = ind.unit or quantity.unit
        if period_text:
            ind.baseline_period = kv.parse_period(period_text)
            if ind.baseline_period is None:
                where = "baseline_period" if ind.cells.get("baseline_period") else "baseline"
                self.error(
                    f"策定時の時点「{period_text}」を読めません (例: H30、R元年度)。",
                    ind.coordinates[where],
                    "baseline_period",
                )

    def read_values(self, ind: IndicatorRow) -> None:
        for key, text in ind.cells.items():
            if not key.startswith("y") or not key[1:].isdigit():
                continue
            reading = kv.read_value(text)
            if reading is None:
                self.error(
                    f"{key[1:]}年度の値「{text}」を読めません (数、(集計中)、―、- のいずれかです)。",
                    ind.coordinates[key],
                    "value",
                )
                continue
            ind.values[int(key[1:])] = ValueCell(
                text, reading.state, reading.number, key in ind.numeric
            )

    def read_target(self, ind: IndicatorRow) -> None:
        text = ind.cells.get("target", "")
        number_text, period_text = kv.split_period(text)
        period_text = period_text or ind.cells.get("target_year", "")
        quantity = kv.parse_number(number_text)
        if quantity is not None:
            ind.target = quantity.number
            if period_text:
                ind.target_period = kv.parse_period(period_text)
                if ind.target_period is None:
                    where = "target_year" if ind.cells.get("target_year") else "target"
                    self.error(
                        f"目標の年度「{period_text}」を読めません (例: R6)。",
                        ind.coordinates[where],
                        "target_year",
                    )
            if ind.baseline is not None:
                if ind.target > ind.baseline:
                    ind.direction = "up"
                elif ind.target < ind.baseline:
                    ind.direction = "down"
                else:
                    ind.direction = "keep"
            return
        direction = kv.words_direction(text)
        if direction is None:
            self.error(
                f"目標値「{text}」は数でも向き (策定時より上昇・減少・維持) でもありません。",
                ind.coordinates.get("target", ""),
                "target",
            )
            return
        ind.target_words, ind.direction = text.strip(), direction

    def read_survey(self, ind: IndicatorRow) -> None:
        text = ind.survey_text.strip()
        if text:
            ind.survey = kv.parse_period(text)
            if ind.survey is None:
                self.error(
                    f"調査時点「{text}」を読めません (例: R3年1月～12月、R4年度)。",
                    ind.coordinates["survey"],
                    "survey",
                )

    def read_evaluation(self, ind: IndicatorRow, legend: Legend) -> None:
        text = ind.cells.get("evaluation", "").strip()
        if not text or kv.read_value(text) == kv.Reading(kv.NONE):
            return
        if not legend.entries:
            self.error(
                f"評価「{text}」がありますが、凡例 (例: 凡例：◎目標達成 ○概ね順調) が見つかりません。",
                ind.coordinates["evaluation"],
                "no_legend",
            )
        elif legend.find(text) is None:
            self.error(
                f"評価「{text}」は凡例 ({legend.symbols()}) にない記号です。",
                ind.coordinates["evaluation"],
                "evaluation",
            )
        else:
            ind.evaluation = legend.find(text).symbol

    def read_towns(self, ind: IndicatorRow) -> None:
        text = ind.towns_text.strip()
        if not text:
            return
        members = Members(
            self.members.names, self.members.all_words + ALL_TOWNS_WORDS, self.members.retired
        )
        reading = members.read(text)
        for name in reading.unknown + reading.retired:
            self.error(
                f"担当市町「{name}」は圏域の市町ではありません。", ind.coordinates["towns"], "towns"
            )
        ind.towns = reading.names

    def read_projects(self, ind: IndicatorRow) -> None:
        text = kv.fold(ind.cells.get("projects", ""))
        parts = [p for p in re.split(r"[・、,/]", text) if p]
        if not all(p.isdigit() for p in parts):
            self.error(
                f"関連事業「{ind.cells['projects']}」は事業の番号 (例: 1・5) で書いてください。",
                ind.coordinates["projects"],
                "projects",
            )
            return
        ind.project_numbers = [int(p) for p in parts]

    def layout(self, data, other) -> dict:
        """What the writer needs to give the sheet back as it was: the cells above the header,
        the header, where each indicator row was, the other cells under the header (by their
        distance from the first indicator row, or for those below the table from its last),
        merges, column widths."""
        sheet = self.sheet
        first = data[0][0] if data else self.header_index + 1
        last = data[-1][0] if data else self.header_index
        cells = [
            [r + 1, c + 1, cell_text(v), isinstance(v, NUMERIC)]
            for r, row in enumerate(self.rows[: self.header_index])
            for c, v in enumerate(row)
            if v is not None
        ]

        def offsets(rows, base):
            return [
                [index - base, c + 1, cell_text(v), isinstance(v, NUMERIC)]
                for index, row in rows
                for c, v in enumerate(row)
                if v is not None
            ]

        return {
            "sheet": sheet.title,
            "header_row": self.header_index + 1,
            "first_row": first + 1,
            "rows": len(data),
            "row_offsets": [index - first for index, _ in data],
            "above": cells,
            "between": offsets([r for r in other if r[0] < last], first),
            "below": offsets([r for r in other if r[0] > last], last),
            "merges": [str(m) for m in sheet.merged_cells.ranges],
            "widths": {k: d.width for k, d in sheet.column_dimensions.items() if d.width},
        }


def as_decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))
