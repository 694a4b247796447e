"""The 成果指標 (KPI) sheet: its rows as data, read from a workbook (openpyxl; no database).

The family of sheets: a title naming the edition's 年度, a header found by its labels (分野 or
基本目標, No., 成果指標, 策定時 or 基準値, one column per fiscal year R2…R6, 目標値, 調査時点,
評価, 担当市町, and optional 施策, 単位, 目標年度, 関連事業…), one row per indicator with 〃
repeating the cell above (merged cells read empty and are filled the same way), and a legend
line for 評価 (◎○△× or A/B/C/D with score thresholds) below or above the table. Every cell
keeps the text as written; the parsed values sit beside it. Every problem is collected with
its sheet and cell; nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..model import Problem
from . import values as kv

HEADER_SCAN_ROWS = 20
DITTO = ("〃", "”", "\u3003", "同上")
ALL_TOWNS_WORDS = ("各市町", "圏域全体", "全市町", "圏域市町")

# Column keys and the header labels that name them (folded; the first that matches wins).
LABELS = (
    ("target_year", ("目標年度", "目標年", "目標時期")),
    ("target", ("目標値", "目標")),
    ("baseline_period", ("基準年度", "基準年", "基準時点", "策定時点")),
    ("baseline", ("策定時", "基準値", "現状値", "基準")),
    ("number", ("No.", "NO.", "No", "NO", "番号", "指標番号")),
    ("name", ("成果指標", "指標名", "KPI", "指標")),
    ("field", ("分野", "取組", "基本目標", "役割")),
    ("measure", ("施策",)),
    ("unit", ("単位",)),
    ("survey", ("調査時点", "把握時点", "時点")),
    ("evaluation", ("評価",)),
    ("ratio", ("達成率", "進捗率", "達成度")),
    ("towns", ("担当市町", "担当自治体", "関係市町", "担当")),
    ("projects", ("関連事業", "事業番号")),
)
REQUIRED = ("name", "baseline", "target")
NUMERIC = (int, float, Decimal)


@dataclass(frozen=True)
class LegendEntry:
    symbol: str
    label: str
    threshold: Decimal | None = None  # the lowest score (%) the symbol stands for, if stated


@dataclass(frozen=True)
class Legend:
    entries: tuple[LegendEntry, ...] = ()
    text: str = ""  # the legend cell as written

    def find(self, symbol: str) -> LegendEntry | None:
        folded = kv.fold(symbol)
        return next((e for e in self.entries if kv.fold(e.symbol) == folded), None)

    def symbols(self) -> str:
        return "".join(e.symbol for e in self.entries)

    def for_score(self, ratio: Decimal | None) -> str:
        """The symbol the thresholds give a score (None when the legend states none)."""
        if ratio is None or not any(e.threshold is not None for e in self.entries):
            return ""
        for entry in sorted(
            (e for e in self.entries if e.threshold is not None), key=lambda e: -e.threshold
        ):
            if ratio >= entry.threshold:
                return entry.symbol
        return self.entries[-1].symbol

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "entries": [
                [e.symbol, e.label, None if e.threshold is None else str(e.threshold)]
                for e in self.entries
            ],
        }


def legend_from_json(data: dict | None) -> Legend:
    data = data or {}
    return Legend(
        tuple(
            LegendEntry(s, label, None if t is None else Decimal(t))
            for s, label, t in data.get("entries", [])
        ),
        data.get("text", ""),
    )


_LEGEND_START = re.compile(
    r"^\s*[【\[(（]?\s*(凡例|評価基準|評価の基準|評価)\s*[】\])）]?\s*[:：]?\s*"
)
_ENTRY_RX = re.compile(r"([◎○◯〇△▲×✕ＳＡＢＣＤＥSABCDE])\s*[:：=＝]?\s*([^\s\u3000、,/◎○◯〇△×✕]*)")


def parse_legend(text: str) -> Legend | None:
    """``凡例：◎目標達成　○概ね順調　△遅れ　×未着手`` or ``評価基準：A 86%以上 B 60%以上…``."""
    match = _LEGEND_START.match(text)
    if match is None:
        return None
    body = text[match.end() :]
    entries = []
    for symbol, label in _ENTRY_RX.findall(body):
        if any(e.symbol == symbol for e in entries):
            return None
        found = re.search(r"([0-9]+(?:\.[0-9]+)?)\s*[%％]\s*以上", kv.fold(label))
        entries.append(LegendEntry(symbol, label, Decimal(found[1]) if found else None))
    return Legend(tuple(entries), text) if len(entries) >= 2 else None


@dataclass
class ValueCell:
    text: str  # as written ("" for a number cell)
    state: str
    number: Decimal | None = None
    numeric: bool = False  # the cell held a number, not text


@dataclass
class IndicatorRow:
    """One row of the sheet: every cell as written (``cells``) and what it means."""

    row: int
    cells: dict[str, str] = field(default_factory=dict)  # key → text as written
    numeric: set[str] = field(default_factory=set)  # keys whose cell held a number
    coordinates: dict[str, str] = field(default_factory=dict)  # key → "C5"
    strategy_text: str = ""  # the 分野 cell, 〃 and merged cells resolved
    measure_text: str = ""
    number: int | None = None
    name: str = ""
    unit: str = ""
    cumulative: bool = False
    direction: str = "up"  # "up", "down" or "keep"
    baseline: Decimal | None = None
    baseline_period: kv.Period | None = None
    target: Decimal | None = None
    target_period: kv.Period | None = None
    target_words: str = ""  # a direction in words: 策定時より上昇
    values: dict[int, ValueCell] = field(default_factory=dict)
    survey: kv.Period | None = None
    survey_text: str = ""  # resolved
    evaluation: str = ""
    towns: list[str] = field(default_factory=list)
    towns_text: str = ""  # resolved
    project_numbers: list[int] = field(default_factory=list)


@dataclass
class KpiSheet:
    sheet: str
    year: int | None
    title: str
    legend: Legend
    columns: list[tuple[int, str, str]]  # (column index, key, header text as written)
    indicators: list[IndicatorRow]
    layout: dict
    errors: list[Problem] = field(default_factory=list)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def column_key(header: str, used: set[str]) -> str | None:
    folded = kv.fold(header).replace("\n", "")
    if kv.parse_year_header(header) is not None:
        return f"y{kv.parse_year_header(header)}"
    for key, labels in LABELS:
        if key not in used and any(folded.startswith(kv.fold(label)) for label in labels):
            return key
    return None


def find_header(rows: list[tuple]) -> tuple[int, list[tuple[int, str, str]]] | None:
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        used: set[str] = set()
        columns = []
        for col, value in enumerate(row):
            header = cell_text(value).strip()
            key = column_key(header, used) if header else None
            if key:
                used.add(key)
            columns.append((col, key or f"x{col}", cell_text(value)))
        if all(k in used for k in REQUIRED) and any(k.startswith("y") for k in used):
            while columns and columns[-1][2] == "":
                columns.pop()
            return index, columns
    return None
