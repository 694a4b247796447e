"""The 資料 table laid out in its edition's form: a grid of cells with merged ranges, fixed and
fitted row heights, and the rows after which a new page starts.

Everything that prints the table starts here: the workbook writer (``writer``), the print view
and the PDF (``html``). The rows above the table stand where the edition put them (the title,
document label and results header written from the table, so that a later title or an edited
header shows); strategy, measure, number, name and 関係市町 cells are merged over their rows,
repeated or written once as in the edition; page breaks and the rows the reader did not explain
follow what they were attached to (``layout`` anchors), so that they stay in place after edits.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from .layout import COLUMN_WIDTHS
from .model import MeasureData, Overview, ProjectData, RowData, StrategyData

LINE_POINTS, ROW_PADDING_POINTS, TITLE_ROW_POINTS = 14.5, 4.0, 24.0
HEAD_KINDS = {
    "title": "title",
    "label": "label",
    "results_header": "results_header",
    "legend": "results_header",
    "header": "header",
}


@dataclass
class Grid:
    """Rows of (value, kind) — kind is a column's role (strategy … municipalities) for the
    table's cells, else band, policy, title, label, header, results_header or note — and merged ranges as
    (first_row, first_col, last_row, last_col)."""

    width: int
    rows: list[list[tuple[object, str]]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)  # rows of fixed height
    breaks: list[int] = field(default_factory=list)  # a new page starts after each of these rows
    body: int = 3  # the table's first row
    last: int = 2  # the table's last row (the rows below it are the edition's notes)
    widths: dict[int, float] = field(default_factory=dict)

    def add_row(self, kinds: list[str]) -> int:
        self.rows.append([(None, kind) for kind in kinds])
        return len(self.rows)

    def set(self, row: int, col: int, value, kind: str | None = None):
        old_value, old_kind = self.rows[row - 1][col - 1]
        self.rows[row - 1][col - 1] = (value, kind or old_kind)

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int | None = None):
        last_col = last_col or first_col
        if last_row > first_row or last_col > first_col:
            self.merges.append((first_row, first_col, last_row, last_col))


class GridBuilder:
    def __init__(self, overview: Overview):
        self.ov, self.layout = overview, overview.sheet_layout()
        layout = self.layout
        cols = [cell.col for cell in layout.head]
        cols += [c for rows in (layout.extras, layout.tail) for r in rows for c, _ in r["cells"]]
        self.grid = Grid(width=max([layout.width, *cols]))
        self.grid.widths = {int(c): float(w) for c, w in layout.col_widths}
        self.data_kinds = ["cell"] * self.grid.width
        for role, col in layout.columns.items():
            self.data_kinds[col - 1] = role
        self.extras = defaultdict(list)
        for extra in layout.extras:
            self.extras[tuple(extra["before"])].append(extra["cells"])
        self.break_anchors = {tuple(b["before"]): b.get("skip", 0) for b in layout.breaks}

    def build(self) -> Grid:
        self.head()
        for number, strategy in enumerate(self.ov.strategies):
            self.strategy(strategy, first=number == 0)
        self.grid.last = len(self.grid.rows)
        self.tail()
        return self.grid

    # -- around the table --------------------------------------------------------------------

    def head(self):
        layout, grid = self.layout, self.grid
        for row in range(1, layout.first_row):
            grid.add_row(["header" if row == layout.header_row else "note"] * grid.width)
        for cell in layout.head:
            if cell.row < layout.first_row:
                grid.set(
                    cell.row, cell.col, self.head_value(cell), HEAD_KINDS.get(cell.role, "note")
                )
        for first_row, first_col, last_row, last_col in layout.head_merges:
            grid.merge(first_row, first_col, last_row, last_col)
        grid.heights.update({int(r): float(h) for r, h in layout.head_heights})
        grid.body = layout.first_row

    def head_value(self, cell):
        """Title, label and results header from the table (as written when unchanged)."""
        ov, raw = self.ov, cell.value
        same = str(raw).strip()
        if cell.role == "title":
            return raw if same == ov.title else ov.title or None
        if cell.role == "label":
            return raw if same == ov.document_label else ov.document_label or None
        legend = self.layout.cell("legend")
        if cell.role == "results_header":
            if legend is not None and ov.results_header == f"{raw}\n{legend.value}":
                return raw
            return ov.results_header or None
        if cell.role == "legend":
            header = self.layout.cell("results_header")
            written = f"{header.value if header else ''}\n{raw}"
            return raw if ov.results_header == written else None
        return raw

    def tail(self):
        grid, base = self.grid, len(self.grid.rows)
        for note in self.layout.tail:
            while len(grid.rows) < base + note["offset"]:
                grid.add_row(["note"] * grid.width)
            for col, value in note["cells"]:
                grid.set(base + note["offset"], col, value)
        for first_row, first_col, last_row, last_col in self.layout.tail_merges:
            if base + last_row <= len(grid.rows):
                grid.merge(base + first_row, first_col, base + last_row, last_col)

    def before(self, anchor: list, *, starts_strategy: bool = False, first: bool = False):
        """A page break and the edition's own rows that stood before this part of the table."""
        grid, key, layout = self.grid, tuple(anchor), self.layout
        skip = self.break_anchors.get(key)
        if skip is None and starts_strategy and layout.breaks_each_strategy and not first:
            skip = layout.break_skip
        rows = self.extras.pop(key, [])
        for number, cells in enumerate([*rows, None]):
            if number == min(skip if skip is not None else -1, len(rows)):
                if len(grid.rows) >= grid.body:
                    grid.breaks.append(len(grid.rows))
            if cells is None:
                break
            row = grid.add_row(["note"] * grid.width)
            for col, value in cells:
                grid.set(row, col, value)

    # -- the table ---------------------------------------------------------------------------

    def span(self, role: str, first: int, last: int, value):
        """``value`` in ``role``'s column over the rows from ``first`` to ``last``: merged,
        repeated on every row, or on the first only, as the edition writes it."""
        col = self.layout.column(role)
        if col is None:
            return
        mode = self.layout.mode(role)
        if mode == "none":
            return
        for row in range(first, last + 1) if mode == "repeated" else (first,):
            self.grid.set(row, col, value)
        if mode == "merged" and (value is not None or not role.endswith("_en")):
            self.grid.merge(first, col, last)  # an empty English cell stays unmerged

    def strategy(self, strategy: StrategyData, *, first: bool):
        layout, grid = self.layout, self.grid
        self.before(["strategy", strategy.number], starts_strategy=True, first=first)
        if layout.band:
            row = grid.add_row(["band"] * grid.width)
            grid.set(row, layout.band[0], strategy.band or strategy.title)
            grid.merge(row, layout.band[0], row, layout.band[1])
        start = len(grid.rows) + 1
        if layout.heading_rows:
            grid.add_row(self.data_kinds)
        segments, policy, policy_rows = [start], "", []
        for measure in strategy.measures:
            if measure.policy_field and measure.policy_field != policy:
                policy = measure.policy_field
                segments += self.policy_row(strategy, policy)
                policy_rows.append(len(grid.rows))
            self.measure(measure)
        if len(grid.rows) < start:
            grid.add_row(self.data_kinds)
        for begin, end in zip(segments[::2], [*segments[1::2], len(grid.rows)], strict=True):
            if end >= begin:
                self.span("strategy", begin, end, strategy.heading)
        col = layout.column("strategy")
        if layout.policy_strategy and layout.mode("strategy") == "first" and col:
            for row in policy_rows:
                grid.set(row, col, strategy.heading)

    def policy_row(self, strategy: StrategyData, policy: str) -> list[int]:
        """Write a policy-field row; a policy row merged over the strategy's column splits
        the strategy's span (returned as [end of one part, start of the next])."""
        layout, grid = self.layout, self.grid
        self.before(["policy", strategy.number, policy])
        first_col, last_col = layout.policy or [layout.column("measure") or 2] * 2
        row = grid.add_row(self.data_kinds)
        for col in range(first_col, last_col + 1):
            grid.set(row, col, None, "policy")
        grid.set(row, first_col, policy)
        grid.merge(row, first_col, row, last_col)
        strategy_col = layout.column("strategy") or 0
        if first_col <= strategy_col <= last_col:
            return [row - 1, row + 1]
        return []

    def measure(self, measure: MeasureData):
        start = len(self.grid.rows) + 1
        for project in measure.projects:
            self.project(project)
        if len(self.grid.rows) < start:
            self.grid.add_row(self.data_kinds)
        self.span("measure", start, len(self.grid.rows), measure.heading)

    def project(self, project: ProjectData):
        layout, grid = self.layout, self.grid
        start, runs = len(grid.rows) + 1, []
        for index, data in enumerate(project.rows or [RowData()]):
            self.before(["row", project.label, index])
            row = grid.add_row(self.data_kinds)
            for role, value in (
                ("summary", data.summary or None),
                ("results", layout.newline.join(data.results.split("\n")) or None),
                ("summary_en", data.summary_en or None),
            ):
                if (col := layout.column(role)) is not None:
                    grid.set(row, col, value)
            text = data.municipalities_text or "、".join(project.municipalities or []) or None
            if runs and runs[-1][2] == text:
                runs[-1][1] = row
            else:
                runs.append([row, row, text])
        number = project.number
        if number is not None and layout.number_as_text:
            number = str(number)
        self.span("number", start, len(grid.rows), number)
        self.span("name", start, len(grid.rows), project.name or None)
        if layout.column("name_en") is not None:
            self.span("name_en", start, len(grid.rows), project.name_en or None)
        for first, last, text in runs:
            self.span("municipalities", first, last, text)


def build_grid(overview: Overview) -> Grid:
    return GridBuilder(overview).build()


def row_heights(grid: Grid) -> list[float | None]:
    """Row heights in points: the edition's own for the rows above the table, else what fits
    each row's wrapped text, as the secretariat sets them by hand (14.5 pt a line of 10 pt
    text, plus 4): spreadsheet programs do not grow rows on opening a file, and a clipped cell
    would print clipped. None (the sheet's default) for rows of notes, which do not wrap."""
    spans, covered = {}, set()
    for first_row, first_col, last_row, last_col in grid.merges:
        spans[first_row, first_col] = (last_row, last_col)
        covered.update(
            (r, c)
            for r in range(first_row, last_row + 1)
            for c in range(first_col, last_col + 1)
            if (r, c) != (first_row, first_col)
        )
    widths = [grid.widths.get(c, COLUMN_WIDTHS.get(c, 8.43)) for c in range(1, grid.width + 1)]
    heights: list[float | None] = []
    for number, row in enumerate(grid.rows, start=1):
        if number in grid.heights:
            heights.append(grid.heights[number])
            continue
        if all(kind == "note" for _, kind in row):
            heights.append(None)
            continue
        lines = 1
        for col, (value, kind) in enumerate(row, start=1):
            last_row, last_col = spans.get((number, col), (number, col))
            if value is None or kind == "note" or (number, col) in covered or last_row > number:
                continue
            lines = max(lines, wrapped_lines(str(value), sum(widths[col - 1 : last_col])))
        height = LINE_POINTS * lines + ROW_PADDING_POINTS
        is_title = any(kind == "title" for _, kind in row)
        heights.append(max(height, TITLE_ROW_POINTS) if is_title else height)
    return heights


def wrapped_lines(text: str, chars: float) -> int:
    """Lines ``text`` takes in a column ``chars`` wide (full-width characters count two)."""
    total = 0
    for line in text.splitlines() or [""]:
        width = 2 * len(line) - len(line.encode("ascii", "ignore"))  # non-ASCII counts two
        total += max(1, math.ceil(width / max(chars, 1.0)))
    return total
