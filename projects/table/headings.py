"""The table's headings: the header row that is not found (why, in words), numbered band rows
told from a strategy's own heading row, and the legend wherever it stands in the header.

``HeadingRows`` is part of the reader (``reader.TableReader``): it reads ``self.rows``,
``self.cols`` and ``self.overview`` and adds marks as the reader does.
"""

from __future__ import annotations

import re
import unicodedata

from . import notation
from .columns import REQUIRED_LABELS, RESULTS_WORDING, best_header_guess, cell_text
from .edition import Mark
from .model import Problem

HEADER_SCAN_ROWS = 40

STRATEGY_RE = re.compile(r"^\s*([0-9０-９]*)[\s\u3000.．、]*(.*)$", re.S)


def strategy_number(text: str) -> int | None:
    """The number a strategy's text starts with (half- or full-width digits), if any."""
    digits = STRATEGY_RE.match(text or "").group(1)
    return int(unicodedata.normalize("NFKC", digits)) if digits else None


def no_header(scanned: list[tuple[str, list[tuple]]]) -> Problem:
    """Why no sheet has the table's header: every sheet empty, no label anywhere, or the row
    that comes closest with the labels it has and those it lacks."""
    filled = [
        (title, rows)
        for title, rows in scanned
        if any(v not in (None, "") and cell_text(v).strip() for row in rows for v in row)
    ]
    if not filled:
        return Problem(
            "ブックのシートがすべて空です。資料の表 (取組・事業名・事業の概要・事業の実績の"
            "見出し行と、その下の事業) があるブックを選んでください。",
            code="empty_workbook",
        )
    guesses = [(title, *best_header_guess(rows)) for title, rows in filled]
    title, row, found = max(guesses, key=lambda guess: len(guess[2]))
    wanted = "「" + "」「".join(REQUIRED_LABELS.values()) + "」"
    if not found:
        sheets = "「" + "」「".join(t for t, _ in filled) + "」"
        return Problem(
            f"表の見出し行が見つかりません。シート{sheets}の最初の {HEADER_SCAN_ROWS} 行に"
            f"見出し{wanted}のどれもありません。資料の表があるブックか確かめてください。",
            code="no_header",
        )
    present = "「" + "」「".join(REQUIRED_LABELS[r] for r in REQUIRED_LABELS if r in found) + "」"
    missing = [r for r in REQUIRED_LABELS if r not in found]
    absent = "「" + "」「".join(REQUIRED_LABELS[r] for r in missing) + "」"
    hint = f" (実績の列は {RESULTS_WORDING} のどれかを含む見出し)" if "results" in missing else ""
    return Problem(
        f"表の見出し行が見つかりません。{row + 1} 行目に見出し{present}はありますが、"
        f"{absent}がありません{hint}。見出し行に{wanted}の列をそろえてください。",
        title,
        code="no_header",
    )


class HeadingRows:
    """Band rows and legends, for the reader."""

    def is_heading_row(self, text: str, excel_row: int) -> bool:
        """Whether a row holding only a numbered strategy (「１　取組名」) is the strategy's own
        heading row rather than a band: a band is merged across the table or followed by rows
        that name the strategy again (with the same number, in any width or spacing); a
        heading row is neither."""
        digits = strategy_number(text)
        if digits is None or (excel_row, self.cols.strategy + 1) in self.across:
            return False  # no number, or merged across the table: a band
        cols = self.cols
        for values in self.rows[excel_row : excel_row + HEADER_SCAN_ROWS]:
            values = tuple(values) + (None,) * (cols.span() - len(values))
            if not any(self.value(values, c) for c in range(cols.span())):
                continue
            following = self.value(values, cols.strategy)
            return not following or strategy_number(following) != digits
        return True

    def read_legend_row(self, values, excel_row: int) -> bool:
        """A legend printed on its own row under the header, e.g. 「(●は実施済み、…)」, in the
        results column or across the table from another column."""
        filled = [(c, cell_text(v).strip()) for c, v in enumerate(values) if cell_text(v).strip()]
        if len(filled) != 1:
            return False
        col, text = filled[0]
        legend = notation.parse_legend(text)
        if not legend:
            return False
        ov = self.overview
        if col == self.cols.results:
            ov.results_header = f"{ov.results_header}\n{text}" if ov.results_header else text
        ov.legend = legend
        ov.warnings = [w for w in ov.warnings if w.code != "no_legend"]
        self.legend_problems(text, excel_row)
        self.marks.append(Mark(excel_row, "legend"))
        return True

    def legend_elsewhere(self):
        """A legend in another cell of the header row or in a row above it (a note beside
        the title, a merged cell over the header): read, and the header left as written."""
        header_row = self.cols.header_row
        for index in (header_row, *range(header_row - 1, -1, -1)):
            for col, value in enumerate(self.rows[index]):
                if col == self.cols.results or not isinstance(value, str):
                    continue
                if legend := notation.parse_legend(value):
                    self.overview.legend = legend
                    for message in notation.legend_problems(value):
                        self.problem("error", message, col=col, row=index + 1, code="legend")
                    return
